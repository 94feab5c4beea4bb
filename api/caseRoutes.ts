/**
 * The routes every procedure shares: read a case (query), its history (audit
 * trail from the database), and staff actions (updates) checked here for role
 * and input against the procedure's action table, so a rejected action never
 * reaches Temporal. Procedures add their own `POST /` (opening a case).
 */
import type { Client } from '@temporalio/client';
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { Db } from '../db/client';
import type { ActionRequest, ActionRule, ActionTable } from '../workflows/lib/actions';
import { type Actor, roleNames } from '../workflows/lib/roles';
import { type CaseRecord, findCaseRecord } from './caseRecords';
import { forbidden, notFound, parseOr400 } from './errors';
import { actorOf } from './identity';
import { caseNotFound, fromTemporalError } from './temporalErrors';

export interface ProcedureApi<View> {
  procedure: string;
  workflowId: (caseId: string) => string;
  caseIdSchema: z.ZodType<string>;
  table: ActionTable;
  updates: Record<string, UpdateDefinition<View, [ActionRequest]>>;
  state: QueryDefinition<View>;
  /** Names of steps the workflow records on its own (the rest are staff actions). */
  systemSteps: Record<string, string>;
}

export interface CaseDeps {
  client: Client;
  db: Db;
}

export type CaseHistory = Omit<CaseRecord, 'steps'> & { steps: (CaseRecord['steps'][number] & { label: string })[] };

/** The case as its workflow sees it now (also after it closed). */
export async function readCase<View>(deps: CaseDeps, api: ProcedureApi<View>, caseId: string): Promise<View> {
  try {
    return await deps.client.workflow.getHandle(api.workflowId(caseId)).query(api.state);
  } catch (err) {
    throw await fromTemporalError(err, caseId);
  }
}

/** The audit trail and deadline events, as persisted. */
export async function readCaseHistory(deps: CaseDeps, api: ProcedureApi<unknown>, caseId: string): Promise<CaseHistory> {
  const record = await findCaseRecord(deps.db, api.procedure, caseId);
  if (!record) throw caseNotFound(caseId);
  const labels: Record<string, string> = {
    ...api.systemSteps,
    ...Object.fromEntries(Object.entries(api.table).map(([name, rule]) => [name, rule.label])),
  };
  return { ...record, steps: record.steps.map((s) => ({ ...s, label: labels[s.action] ?? s.action })) };
}

/** A staff action: role and input checked here, stage (and per-case rules) by the workflow's validator. */
export async function actOnCase<View>(
  deps: CaseDeps,
  api: ProcedureApi<View>,
  actor: Actor,
  caseId: string,
  actionName: string,
  body: unknown,
): Promise<View> {
  if (!Object.hasOwn(api.table, actionName)) throw notFound(`未知操作：${actionName}`, 'UnknownAction');
  const rule: ActionRule = api.table[actionName] as ActionRule;
  if (!rule.roles.includes(actor.role)) throw forbidden(`角色「${roleNames[actor.role]}」无权执行「${rule.label}」`);
  const input: unknown = parseOr400(rule.input, body ?? {}, `「${rule.label}」的输入无效`);
  const handle = deps.client.workflow.getHandle(api.workflowId(caseId));
  try {
    return await handle.executeUpdate(api.updates[actionName] as UpdateDefinition<View, [ActionRequest]>, {
      args: [{ actor, input }],
    });
  } catch (err) {
    throw await fromTemporalError(err, caseId, handle);
  }
}

/** GET /:caseId, GET /:caseId/history, POST /:caseId/actions/:action on `router`. */
export function addCaseRoutes<View>(router: Router, deps: CaseDeps, api: ProcedureApi<View>): Router {
  const caseIdOf = (req: Request): string => parseOr400(api.caseIdSchema, req.params['caseId'], '受理编号格式不正确');
  router.get('/:caseId', async (req: Request, res: Response) => {
    res.json(await readCase(deps, api, caseIdOf(req)));
  });
  router.get('/:caseId/history', async (req: Request, res: Response) => {
    res.json(await readCaseHistory(deps, api as ProcedureApi<unknown>, caseIdOf(req)));
  });
  router.post('/:caseId/actions/:action', async (req: Request, res: Response) => {
    const caseId = caseIdOf(req);
    res.json(await actOnCase(deps, api, actorOf(res), caseId, String(req.params['action']), req.body));
  });
  return router;
}

