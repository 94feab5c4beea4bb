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
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client';
import { Prisma } from '../generated/prisma/client';
import type { ActionTable } from '../workflows/lib/actions';
import type { Actor, Role } from '../workflows/lib/roles';
import { readCase, readCaseHistory } from './caseRoutes';
import { assertCaseInScope, centreFilter, centreIdSchema, centresOf, centreWhere, type CentreScope, scopeFrom } from './centres';
import { parseOr400 } from './errors';
import { actorOf } from './identity';
import { contractOf, contractOfCaseId, type Procedure, procedureActionTables, procedures } from '../workflows/registry';
import { authorize, permissionTable } from './permissions';
import { caseNotFound } from './temporalErrors';
import { reassignBodySchema, reassignOpenCases } from './reassign';
import { requestIdOf } from './requestContext';
import type { Routes } from './routes';
import { findStuckCases } from '../worker/stuckCases';
import { fromTemporalError } from './temporalErrors';

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
  /** One service centre's cases (of those the reader sees). */
  centre: centreIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type CaseListQuery = z.infer<typeof caseListQuerySchema>;

export const caseIdParamSchema = z.string().regex(/^[A-Z]{2}\d{8}-[0-9A-Z]{6}$/, '受理编号格式不正确（例：BX20261122-ABC123）');

interface CaseRow {
  id: string;
  procedure: string;
  centre: string;
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

/** The columns a list line shows (not the owner's name and phone, nor the row's bookkeeping). */
const caseRowColumns = { id: true, procedure: true, centre: true, unit: true, summary: true, stage: true, assignee: true, firstReceiver: true, breached: true, nextDueAt: true, openedAt: true, closedAt: true } as const;

export interface CaseListItem {
  caseId: string;
  procedure: string;
  /** The service centre the case belongs to. */
  centre: string;
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
  const contract = contractOf(row.procedure);
  return {
    caseId: row.id,
    procedure: row.procedure,
    centre: row.centre,
    procedureName: contract?.name ?? row.procedure,
    unit: row.unit,
    summary: row.summary,
    stage: row.stage,
    stageName: contract?.stageNames[row.stage] ?? row.stage,
    assignee: row.assignee,
    firstReceiver: row.firstReceiver,
    breached: row.breached,
    nextDueAt: row.nextDueAt?.toISOString() ?? null,
    openedAt: row.openedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    href: contract ? `${contract.basePath}/${row.id}` : `/cases/${row.id}`,
  };
}

export async function listCases(db: Db, query: CaseListQuery, now: Date, scope: CentreScope): Promise<{ total: number; items: CaseListItem[] }> {
  const where = {
    ...centreWhere(scope, query.centre),
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
    db.case.findMany({ where, select: caseRowColumns, orderBy: [{ openedAt: 'desc' }, { id: 'asc' }], skip: query.offset, take: query.limit }),
  ]);
  return { total, items: rows.map(listItem) };
}

export interface InboxItem extends CaseListItem {
  /** The step that waits on me: my own running clock's step ('派工接单'), else what the case waits on, else its stage. */
  step: string;
  /** What I may do now, as action names and labels (POST `${href}/actions/${action}`). */
  actions: { action: string; label: string }[];
  /** When that step is due. */
  dueAt: string | null;
}

type InboxRow = CaseRow & { waitingStep: string | null; waitingDueAt: Date | null; duties: { step: string; dueAt: Date | null }[] };

/** The owners a person's duties are kept under: themselves by name, and their role. */
const ownersOf = (actor: Actor) => [`staff:${actor.id}`, `role:${actor.role}`];

/**
 * The line a person sees for a case: the soonest of the clocks they own (by name or role; one
 * without a due time last), else what the case waits on. `inboxOf` orders by the same rule in SQL.
 */
function inboxLine(row: InboxRow, stageName: string): { step: string; dueAt: string | null } {
  const mine = [...row.duties].sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity))[0];
  if (mine) return { step: mine.step, dueAt: mine.dueAt?.toISOString() ?? null };
  return { step: row.waitingStep ?? stageName, dueAt: row.waitingDueAt?.toISOString() ?? row.nextDueAt?.toISOString() ?? null };
}

/** Per procedure, the stages in which `role` has an action, and those actions. */
function actionsOf(role: Role): Map<string, Map<string, { action: string; label: string; anytime?: boolean }[]>> {
  const byProcedure = new Map<string, Map<string, { action: string; label: string; anytime?: boolean }[]>>();
  for (const [procedure, table] of Object.entries(procedureActionTables)) {
    const byStage = new Map<string, { action: string; label: string; anytime?: boolean }[]>();
    const rules: ActionTable = table;
    for (const [action, rule] of Object.entries(rules)) {
      if (!rule.roles.includes(role)) continue;
      for (const stage of rule.stages) byStage.set(stage, [...(byStage.get(stage) ?? []), { action, label: rule.label, ...(rule.anytime ? { anytime: true } : {}) }]);
    }
    if (byStage.size) byProcedure.set(procedure, byStage);
  }
  return byProcedure;
}

/**
 * One page of a person's inbox, from the inbox lines the workflows write with each case row
 * (whose inbox a case is in: workflows/lib/inbox.ts): each case at the reader's own step,
 * soonest due first, cases with no running deadline after them, oldest first; one index read
 * in order, correct across pages at any number of cases.
 */
export async function inboxOf(db: Db, actor: Actor, scope: CentreScope, page: { limit: number; offset: number } = { limit: 100, offset: 0 }): Promise<{ total: number; items: InboxItem[] }> {
  const mine = actionsOf(actor.role);
  if (!mine.size) return { total: 0, items: [] };
  const owners = ownersOf(actor);
  const inCentres = centreFilter(scope, Prisma.sql`e."centre"`);
  // My own lines, and my role's lines for anyone of it unless I have my own line of the case.
  const own = Prisma.sql`"InboxEntry" e WHERE e."role" = ${actor.role} AND e."staffId" = ${actor.id}${inCentres}`;
  const roleWide = Prisma.sql`"InboxEntry" e WHERE e."role" = ${actor.role} AND e."staffId" = ''${inCentres}
    AND NOT EXISTS (SELECT 1 FROM "InboxEntry" m WHERE m."caseId" = e."caseId" AND m."role" = ${actor.role} AND m."staffId" = ${actor.id})`;
  const [counted, ordered] = await Promise.all([
    // The role's lines counted off its index, less those of cases where I have my own line.
    db.$queryRaw<{ n: number | bigint }[]>`SELECT (SELECT COUNT(*) FROM ${own})
      + (SELECT COUNT(*) FROM "InboxEntry" e WHERE e."role" = ${actor.role} AND e."staffId" = ''${inCentres})
      - (SELECT COUNT(*) FROM ${own} AND EXISTS (SELECT 1 FROM "InboxEntry" m WHERE m."caseId" = e."caseId" AND m."role" = ${actor.role} AND m."staffId" = '')) AS "n"`,
    db.$queryRaw<{ id: string }[]>`
      SELECT e."caseId" AS "id", e."rank", e."dueAt", e."openedAt" FROM ${own}
      UNION ALL
      SELECT e."caseId" AS "id", e."rank", e."dueAt", e."openedAt" FROM ${roleWide}
      ORDER BY "rank", "dueAt", "openedAt", "id"
      LIMIT ${page.limit} OFFSET ${page.offset}`,
  ]);
  const ids = ordered.map((r) => r.id);
  const rows = await db.case.findMany({
    where: { id: { in: ids } },
    select: { ...caseRowColumns, waitingStep: true, waitingDueAt: true, duties: { where: { owner: { in: owners } }, select: { step: true, dueAt: true } } },
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items = ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return []; // case rows are never deleted; only a broken database would get here
    const item = listItem(row);
    return [{ ...item, ...inboxLine(row, item.stageName), actions: mine.get(row.procedure)?.get(row.stage) ?? [] }];
  });
  return { total: Number(counted[0]?.n ?? 0), items };
}

export const inboxQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** How many suspects (open cases past their wake-up moment, oldest first) one look asks Temporal about. */
const stuckQuerySchema = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

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
      success: { status: 200, description: '`{ staff, total, items: [{ caseId, procedure, stage, step, actions, dueAt, href, ... }] }`, one page (`limit`, `offset`)' },
      errors: [400],
    },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, 'cases', 'inbox');
      const page = parseOr400(inboxQuerySchema, req.query, '查询参数有误');
      res.json({ staff: actor, ...(await inboxOf(deps.db, actor, scopeFrom(res), page)) });
    },
  );
  const cases = routes.child('/cases', 'cases');
  cases.get(
    '/',
    { summary: `${perms.list.label}: by procedure, stage, unit, assignee, overdue`, query: caseListQuerySchema, roles: perms.list.roles, success: { status: 200, description: '`{ total, items }`, newest first' }, errors: [400] },
    async (req, res) => {
      authorize(actorOf(res), 'cases', 'list');
      const query = parseOr400(caseListQuerySchema, req.query, '查询参数有误');
      res.json(await listCases(deps.db, query, await deps.now(), scopeFrom(res)));
    },
  );
  cases.get(
    '/stuck',
    {
      summary: `${perms.stuck.label}: open cases whose workflow task keeps failing (they take no action and send no reminder until fixed)`,
      description: 'A case past the moment its workflow should next have acted (`wakeAt`, its next clock event) by more than 2 minutes, whose history shows a workflow task failure after its last completed task. Each item says why (`failure`). The worker checks every minute and tells the supervisors once per stuck case.',
      query: stuckQuerySchema,
      roles: perms.stuck.roles,
      success: { status: 200, description: '`{ total, items: [{ caseId, procedure, workflowId, runId, attempt, since, failure, wakeAt }] }`' },
      errors: [400],
    },
    async (req, res) => {
      authorize(actorOf(res), 'cases', 'stuck');
      const { limit } = parseOr400(stuckQuerySchema, req.query, '查询参数有误');
      let items;
      try {
        items = await findStuckCases(deps.db, deps.client, await deps.now(), { limit, centres: centresOf(scopeFrom(res)) });
      } catch (err) {
        throw await fromTemporalError(err, '');
      }
      res.json({ total: items.length, items });
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
      res.json(await reassignOpenCases(deps, actor, scopeFrom(res), req.body, requestIdOf(res)));
    },
  );
  const served = async (req: Request, res: Response) => {
    const caseId = parseOr400(caseIdParamSchema, req.params['caseId'], '受理编号格式不正确');
    const contract = contractOfCaseId(caseId);
    if (!contract) throw caseNotFound(caseId);
    await assertCaseInScope(deps.db, scopeFrom(res), caseId);
    return { caseId, contract };
  };
  const params = { caseId: caseIdParamSchema };
  cases.get(
    '/:caseId',
    { summary: `${perms.read.label}: any case by its receipt number, its record and current state`, params, roles: perms.read.roles, success: { status: 200, description: '`{ case, state }`' }, errors: [400, 404] },
    async (req, res) => {
      authorize(actorOf(res), 'cases', 'read');
      const { caseId, contract } = await served(req, res);
      const row = await deps.db.case.findUnique({ where: { id: caseId } });
      const state = await readCase(deps, contract, caseId);
      res.json({ case: row ? listItem(row) : null, state });
    },
  );
  cases.get(
    '/:caseId/history',
    { summary: `${perms.read.label}: any case's audit trail and clock events`, params, roles: perms.read.roles, success: { status: 200, description: 'Every step with who acted, and every clock event' }, errors: [400, 404] },
    async (req, res) => {
      authorize(actorOf(res), 'cases', 'read');
      const { caseId, contract } = await served(req, res);
      res.json(await readCaseHistory(deps, contract, caseId));
    },
  );
  return routes;
}
