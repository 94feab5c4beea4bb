/**
 * The routes every procedure shares: read a case (query), its history (audit
 * trail from the database), and staff actions (updates) checked here for role
 * and input against the procedure's action table, so a rejected action never
 * reaches Temporal. Procedures add their own `POST /` (opening a case).
 */
import type { Client } from '@temporalio/client';
import type { Request, Response } from 'express';
import type { Db } from '../db/client';
import type { ActionRule } from '../workflows/lib/actions';
import type { ProcedureContract } from '../workflows/lib/contract';
import { reassignLabel, reassignStep } from '../workflows/lib/reassign';
import type { Actor } from '../workflows/lib/roles';
import { parseAtTime } from '../workflows/lib/instants';
import { type CaseRecord, findCaseRecord } from './caseRecords';
import { assertCaseInScope, scopeFrom } from './centres';
import { notFound, parseOr400 } from './errors';
import { actorOf } from './identity';
import type { Procedure } from '../workflows/registry';
import { authorize, permissionTable } from './permissions';
import { requestIdOf } from './requestContext';
import { documentedSeparately, type Routes } from './routes';
import { caseNotFound, fromTemporalError } from './temporalErrors';

export interface CaseDeps {
  client: Client;
  db: Db;
  /** The request's time (in tests: the Temporal test server's clock), against which input instants are checked. */
  now: () => Date | Promise<Date>;
}

export type CaseHistory = Omit<CaseRecord, 'steps'> & { steps: (CaseRecord['steps'][number] & { label: string })[] };

/** The case as its workflow sees it now (also after it closed). */
export async function readCase<View>(deps: CaseDeps, api: ProcedureContract<string, View>, caseId: string): Promise<View> {
  try {
    return await deps.client.workflow.getHandle(api.workflowId(caseId)).query(api.state);
  } catch (err) {
    throw await fromTemporalError(err, caseId);
  }
}

/** The audit trail and clock events, as persisted. */
export async function readCaseHistory(deps: CaseDeps, api: ProcedureContract, caseId: string): Promise<CaseHistory> {
  const record = await findCaseRecord(deps.db, api.procedure, caseId);
  if (!record) throw caseNotFound(caseId);
  const labels: Record<string, string> = {
    [reassignStep]: reassignLabel,
    ...api.systemSteps,
    ...Object.fromEntries(Object.entries(api.actions).map(([name, rule]) => [name, rule.label])),
  };
  return { ...record, steps: record.steps.map((s) => ({ ...s, label: labels[s.action] ?? s.action })) };
}

/** A staff action: role (permission table) and input checked here, stage (and per-case rules) by the workflow's validator. */
export async function actOnCase<View>(
  deps: CaseDeps,
  api: ProcedureContract<string, View>,
  actor: Actor,
  caseId: string,
  actionName: string,
  body: unknown,
  requestId?: string,
): Promise<View> {
  if (!Object.hasOwn(api.actions, actionName)) throw notFound(`未知操作：${actionName}`, 'UnknownAction');
  const rule: ActionRule = api.actions[actionName];
  authorize(actor, api.procedure as Procedure, actionName as never);
  const now = await deps.now();
  const input: unknown = parseAtTime(now, () => parseOr400(rule.input, body ?? {}, `「${rule.label}」的输入无效`));
  const handle = deps.client.workflow.getHandle(api.workflowId(caseId));
  try {
    return await handle.executeUpdate(api.updates[actionName], {
      args: [{ actor, input }],
      // The request id names the update in the case's history; a retried request is not applied twice.
      ...(requestId ? { updateId: `${requestId}:${actionName}` } : {}),
    });
  } catch (err) {
    throw await fromTemporalError(err, caseId, handle);
  }
}

const caseErrors = [400, 403, 404];

/** GET /{caseId}, GET /{caseId}/history, POST /{caseId}/actions/{action} (one documented operation per action). */
export function addCaseRoutes<View>(routes: Routes, deps: CaseDeps, api: ProcedureContract<string, View>): Routes {
  const caseIdOf = (req: Request): string => parseOr400(api.caseIdSchema, req.params['caseId'], '受理编号格式不正确');
  const params = { caseId: api.caseIdSchema };
  const readers = permissionTable.cases.read.roles;
  /** The case of the request's path, once the reader may see its centre's cases (404 otherwise). */
  const caseOf = async (req: Request, res: Response): Promise<string> => {
    const caseId = caseIdOf(req);
    await assertCaseInScope(deps.db, scopeFrom(res), caseId);
    return caseId;
  };
  routes.get('/:caseId', { summary: `${api.name}：当前状态 (workflow query)`, params, roles: readers, success: { status: 200, description: 'The case as its workflow sees it now' }, errors: caseErrors }, async (req, res) => {
    authorize(actorOf(res), 'cases', 'read');
    res.json(await readCase(deps, api, await caseOf(req, res)));
  });
  routes.get('/:caseId/history', { summary: `${api.name}：办理记录 (audit trail and clock events)`, params, roles: readers, success: { status: 200, description: 'Every step with who acted, and every clock event' }, errors: caseErrors }, async (req, res) => {
    authorize(actorOf(res), 'cases', 'read');
    res.json(await readCaseHistory(deps, api, await caseOf(req, res)));
  });
  routes.post('/:caseId/actions/:action', documentedSeparately, async (req, res) => {
    const caseId = await caseOf(req, res);
    res.json(await actOnCase(deps, api, actorOf(res), caseId, String(req.params['action']), req.body, requestIdOf(res)));
  });
  routes.document(
    Object.entries(api.actions).map(([action, rule]) => ({
      method: 'post' as const,
      path: routes.fullPath(`/:caseId/actions/${action}`),
      tag: routes.tag,
      summary: `${api.name}：${rule.label}`,
      description: `Stages: ${rule.stages.join(', ')}. Answers the case's new state.`,
      params,
      body: rule.input,
      roles: rule.roles,
      success: { status: 200, description: "The case's state after the action" },
      errors: [400, 403, 404, 409],
    })),
  );
  return routes;
}
