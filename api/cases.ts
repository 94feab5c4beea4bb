/**
 * Across all procedures: the case list and search, any case by its receipt
 * number, and each staff member's inbox (the actions waiting for them).
 *
 * The inbox reads the cases' database rows (kept in step by the workflows) and
 * the permission table: a case is in my inbox when my role may take an action
 * in its current stage and the case is mine to act on (see `inboxFilter`).
 * Soonest due first.
 */
import type { Client } from '@temporalio/client';
import type { Request } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client';
import type { Actor, Role } from '../workflows/lib/roles';
import { readCase, readCaseHistory } from './caseRoutes';
import { parseOr400 } from './errors';
import { actorOf } from './identity';
import { authorize, mayAct, permissionTable, type Procedure, procedureActionTables, procedures } from './permissions';
import { procedureOfCaseId, servedProcedures } from './procedureApis';
import { caseNotFound } from './temporalErrors';
import { reassignBodySchema, reassignOpenCases } from './reassign';
import { requestIdOf } from './requestContext';
import type { Routes } from './routes';

export interface CasesDeps {
  client: Client;
  db: Db;
  now: () => Date | Promise<Date>;
}

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

export const caseListQuerySchema = z.strictObject({
  procedure: z.enum(procedures as [Procedure, ...Procedure[]]).optional(),
  stage: z.string().trim().min(1).max(40).optional(),
  unit: z.string().trim().min(1).max(40).optional(),
  assignee: z.string().trim().min(1).max(64).optional(),
  /** Open cases with a missed deadline or one already past due. */
  overdue: booleanQuery.optional(),
  /** Open (true) or closed (false) cases only. */
  open: booleanQuery.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;

export const caseIdParamSchema = z.string().regex(/^[A-Z]{2}\d{8}-[0-9A-Z]{6}$/, '受理编号格式不正确（例：BX20261122-ABC123）');

interface CaseRow {
  id: string;
  procedure: string;
  unit: string;
  summary: string;
  stage: string;
  assignee: string | null;
  firstReceiver: string;
  breached: boolean;
  nextDueAt: Date | null;
  openedAt: Date;
  closedAt: Date | null;
}

export interface CaseListItem {
  caseId: string;
  procedure: string;
  procedureName: string;
  unit: string;
  summary: string;
  stage: string;
  stageName: string;
  assignee: string | null;
  firstReceiver: string;
  breached: boolean;
  nextDueAt: string | null;
  openedAt: string;
  closedAt: string | null;
  /** Where the case's own routes are. */
  href: string;
}

function listItem(row: CaseRow): CaseListItem {
  const served = servedProcedures[row.procedure as Procedure];
  return {
    caseId: row.id,
    procedure: row.procedure,
    procedureName: served?.api.name ?? row.procedure,
    unit: row.unit,
    summary: row.summary,
    stage: row.stage,
    stageName: served?.api.stageNames[row.stage] ?? row.stage,
    assignee: row.assignee,
    firstReceiver: row.firstReceiver,
    breached: row.breached,
    nextDueAt: row.nextDueAt?.toISOString() ?? null,
    openedAt: row.openedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    href: served ? `${served.basePath}/${row.id}` : `/cases/${row.id}`,
  };
}

export async function listCases(db: Db, query: CaseListQuery, now: Date): Promise<{ total: number; items: CaseListItem[] }> {
  const where = {
    ...(query.procedure ? { procedure: query.procedure } : {}),
    ...(query.stage ? { stage: query.stage } : {}),
    ...(query.unit ? { unit: query.unit } : {}),
    ...(query.assignee ? { assignee: query.assignee } : {}),
    ...(query.open === undefined ? {} : { closedAt: query.open ? null : { not: null } }),
    ...(query.overdue === undefined
      ? {}
      : query.overdue
        ? { closedAt: null, OR: [{ breached: true }, { nextDueAt: { lt: now } }] }
        : { NOT: { OR: [{ breached: true }, { nextDueAt: { lt: now } }] } }),
  };
  const [total, rows] = await Promise.all([
    db.case.count({ where }),
    db.case.findMany({ where, orderBy: [{ openedAt: 'desc' }, { id: 'asc' }], skip: query.offset, take: query.limit }),
  ]);
  return { total, items: rows.map(listItem) };
}

export interface InboxItem extends CaseListItem {
  /** The step the case waits on: the step of its soonest running deadline ('工程部接单'), else its stage. */
  step: string;
  /** What I may do now, as action names and labels (POST `${href}/actions/${action}`). */
  actions: { action: string; label: string }[];
  dueAt: string | null;
}

/** For each case, the step of the running deadline that falls due at its next due time. */
async function dueSteps(db: Db, rows: CaseRow[]): Promise<Map<string, string>> {
  const due = rows.filter((r) => r.nextDueAt);
  if (!due.length) return new Map();
  const started = await db.deadlineEvent.findMany({
    where: { caseId: { in: due.map((r) => r.id) }, kind: { in: ['started', 'resumed'] } },
    select: { caseId: true, step: true, dueAt: true },
  });
  const nextDue = new Map(due.map((r) => [r.id, r.nextDueAt?.getTime()]));
  return new Map(started.filter((e) => e.dueAt?.getTime() === nextDue.get(e.caseId)).map((e) => [e.caseId, e.step]));
}

/** Per procedure, the stages in which `role` has an action, and those actions. */
function actionsOf(role: Role): Map<string, Map<string, { action: string; label: string }[]>> {
  const byProcedure = new Map<string, Map<string, { action: string; label: string }[]>>();
  for (const [procedure, table] of Object.entries(procedureActionTables)) {
    const byStage = new Map<string, { action: string; label: string }[]>();
    for (const [action, rule] of Object.entries(table)) {
      if (!(rule.roles as readonly Role[]).includes(role)) continue;
      for (const stage of rule.stages) byStage.set(stage, [...(byStage.get(stage) ?? []), { action, label: rule.label }]);
    }
    if (byStage.size) byProcedure.set(procedure, byStage);
  }
  return byProcedure;
}

/**
 * Whose inbox a case is in. Customer service: the cases they received or
 * hold. Engineering and other departments: what they hold and what
 * waits on their role with nobody holding it (untaken jobs, transferred complaints). Supervisors, managers and leadership: what only
 * a role above the front desk can decide (grading, approvals, sign-off), and
 * every case with a missed deadline they may act on.
 */
function inboxFilter(actor: Actor, mine: Map<string, Map<string, { action: string; label: string }[]>>) {
  const stagesWith = (pick: (actions: { action: string }[], procedure: string) => boolean) =>
    [...mine].flatMap(([procedure, byStage]) => {
      const stages = [...byStage].filter(([, actions]) => pick(actions, procedure)).map(([stage]) => stage);
      return stages.length ? [{ procedure, stage: { in: stages } }] : [];
    });
  const any = stagesWith(() => true);
  switch (actor.role) {
    case 'csr':
      return { AND: [{ OR: any }, { OR: [{ assignee: actor.id }, { firstReceiver: actor.id }] }] };
    case 'technician':
    case 'department':
      return { AND: [{ OR: any }, { OR: [{ assignee: actor.id }, { assignee: null }] }] };
    default: {
      const frontDeskMay = (procedure: string, action: string) => mayAct('csr', procedure, action);
      const decisions = stagesWith((actions, procedure) => actions.some((a) => !frontDeskMay(procedure, a.action)));
      return { OR: [...decisions, ...any.map((w) => ({ ...w, breached: true }))] };
    }
  }
}

export async function inboxOf(db: Db, actor: Actor, limit = 100): Promise<InboxItem[]> {
  const mine = actionsOf(actor.role);
  if (!mine.size) return [];
  const rows = await db.case.findMany({ where: { closedAt: null, ...inboxFilter(actor, mine) }, orderBy: [{ openedAt: 'asc' }], take: 1000 });
  const steps = await dueSteps(db, rows);
  const items = rows.map((row) => {
    const item = listItem(row);
    return { ...item, step: steps.get(row.id) ?? item.stageName, actions: mine.get(row.procedure)?.get(row.stage) ?? [], dueAt: item.nextDueAt };
  });
  // Soonest due first; cases without a running deadline after them, oldest first.
  items.sort((a, b) => (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff'));
  return items.slice(0, limit);
}

export const inboxQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(100) });

export function caseRoutes(routes: Routes, deps: CasesDeps): Routes {
  const perms = permissionTable.cases;
  routes.get(
    '/inbox',
    {
      summary: `${perms.inbox.label}: the actions waiting for me, soonest due first`,
      description:
        'Across all procedures. Customer service: the cases they received or hold; engineering: the jobs they hold and the untaken ones; departments: what they hold; supervisors, managers, leadership: the decisions only they can take, and every case with a missed deadline.',
      query: inboxQuerySchema,
      roles: perms.inbox.roles,
      success: { status: 200, description: '`{ staff, items: [{ caseId, procedure, stage, step, actions, dueAt, href, ... }] }`' },
      errors: [400],
    },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, 'cases', 'inbox');
      const { limit } = parseOr400(inboxQuerySchema, req.query, '查询参数有误');
      res.json({ staff: actor, items: await inboxOf(deps.db, actor, limit) });
    },
  );
  const cases = routes.child('/cases', 'cases');
  cases.get(
    '/',
    { summary: `${perms.list.label}: by procedure, stage, unit, assignee, overdue`, query: caseListQuerySchema, roles: perms.list.roles, success: { status: 200, description: '`{ total, items }`, newest first' }, errors: [400] },
    async (req, res) => {
      authorize(actorOf(res), 'cases', 'list');
      const query = parseOr400(caseListQuerySchema, req.query, '查询参数有误');
      res.json(await listCases(deps.db, query, await deps.now()));
    },
  );
  cases.post(
    '/reassign',
    {
      summary: `${perms.reassign.label}: hand every open step of one person to another (sick leave, shift change)`,
      description: 'Each case records the reassignment (who, from, to, why) and notifies both people. A retried request (same X-Request-Id) does not hand anything over twice.',
      body: reassignBodySchema,
      roles: perms.reassign.roles,
      success: { status: 200, description: '`{ reassigned: [{ caseId, procedure }], skipped: [{ caseId, reason }] }`' },
      errors: [400, 403],
    },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, 'cases', 'reassign');
      res.json(await reassignOpenCases(deps, actor, req.body, requestIdOf(res)));
    },
  );
  const served = (req: Request) => {
    const caseId = parseOr400(caseIdParamSchema, req.params['caseId'], '受理编号格式不正确');
    const found = procedureOfCaseId(caseId);
    if (!found) throw caseNotFound(caseId);
    return { caseId, ...found };
  };
  const params = { caseId: caseIdParamSchema };
  cases.get(
    '/:caseId',
    { summary: `${perms.read.label}: any case by its receipt number, its record and current state`, params, roles: perms.read.roles, success: { status: 200, description: '`{ case, state }`' }, errors: [400, 404] },
    async (req, res) => {
      authorize(actorOf(res), 'cases', 'read');
      const { caseId, api } = served(req);
      const row = await deps.db.case.findUnique({ where: { id: caseId } });
      const state = await readCase(deps, api, caseId);
      res.json({ case: row ? listItem(row) : null, state });
    },
  );
  cases.get(
    '/:caseId/history',
    { summary: `${perms.read.label}: any case's audit trail and deadline events`, params, roles: perms.read.roles, success: { status: 200, description: 'Every step with who acted, and every deadline event' }, errors: [400, 404] },
    async (req, res) => {
      authorize(actorOf(res), 'cases', 'read');
      const { caseId, api } = served(req);
      res.json(await readCaseHistory(deps, api, caseId));
    },
  );
  return routes;
}
