/**
 * 报修 over HTTP: thin routes over four use cases. POST starts the workflow,
 * GET asks it (query) or reads the audit trail from the database, POST
 * `/actions/:action` sends a staff action (update) after checking role and
 * input here, so a rejected action never reaches Temporal.
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client';
import type { ActionRule } from '../workflows/lib/actions';
import { BusinessCalendar, type CalendarConfig } from '../workflows/lib/calendar';
import { type Actor, type Role, roleNames } from '../workflows/lib/roles';
import { caseBreached, caseProcedure, caseStage, caseUnit } from '../workflows/lib/searchAttributes';
import {
  openRepairSchema,
  type RepairAction,
  repairActions,
  type RepairInput,
  repairProcedure,
  type RepairStage,
  repairState,
  repairUpdates,
  repairWorkflowId,
  type RepairView,
} from '../workflows/repair/repair.messages';
import { repairDeadlines } from '../workflows/repair/repair.policy';
import { type CaseRecord, findCaseRecord } from './caseRecords';
import { forbidden, notFound, parseOr400 } from './errors';
import { actorOf } from './identity';
import { newRepairCaseId, repairCaseIdPattern, repairDetails, repairSummary } from './repairStart';
import { caseNotFound, fromTemporalError } from './temporalErrors';

export interface RepairDeps {
  client: Client;
  db: Db;
  calendar: CalendarConfig;
  taskQueue: string;
  /** The registration time (in tests: the Temporal test server's clock). */
  now: () => Date | Promise<Date>;
}

/** Who may register a repair call or visit (来电来访登记). */
export const repairRegistrars: readonly Role[] = ['csr', 'supervisor'];

export const caseIdSchema = z.string().regex(repairCaseIdPattern, '受理编号格式不正确（例：BX20261122-ABC123）');

export interface OpenedRepair {
  caseId: string;
  workflowId: string;
  stage: RepairStage;
  /** When the owner must hear back, and when a technician must have taken the job (null while a quoted fee awaits the owner). */
  dueAt: { response: string; dispatch: string | null };
}

const startAttempts = 3;

// ---- use cases ----

/** 1. Register a call or visit: a new receipt number, a new workflow. */
export async function openRepairCase(deps: RepairDeps, actor: Actor, body: unknown): Promise<OpenedRepair> {
  if (!repairRegistrars.includes(actor.role)) throw forbidden(`角色「${roleNames[actor.role]}」不能登记报修`);
  const input = parseOr400(openRepairSchema, body, '报修登记内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const stage: RepairStage = input.paid.kind === 'listed' ? 'awaitingFeeConfirmation' : 'dispatching';

  for (let attempt = 1; ; attempt++) {
    const caseId = newRepairCaseId(cal, now);
    const workflowId = repairWorkflowId(caseId);
    const args: [RepairInput] = [{ ...input, caseId, receivedBy: actor, calendar: deps.calendar }];
    try {
      await deps.client.workflow.start('repairRequest', {
        taskQueue: deps.taskQueue,
        workflowId,
        workflowIdConflictPolicy: 'FAIL',
        // A receipt number is never reused, not even after its case closed.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args,
        typedSearchAttributes: [
          { key: caseProcedure, value: repairProcedure },
          { key: caseStage, value: stage },
          { key: caseUnit, value: input.unit },
          { key: caseBreached, value: false },
        ],
        staticSummary: repairSummary(caseId, input),
        staticDetails: repairDetails(caseId, input, actor, cal, now),
      });
    } catch (err) {
      // Six random characters rarely collide; draw again a couple of times.
      if (err instanceof WorkflowExecutionAlreadyStartedError && attempt < startAttempts) continue;
      throw await fromTemporalError(err, caseId);
    }
    return {
      caseId,
      workflowId,
      stage,
      dueAt: {
        response: cal.due(now, repairDeadlines.response).toISOString(),
        dispatch: stage === 'dispatching' ? cal.due(now, repairDeadlines.dispatch).toISOString() : null,
      },
    };
  }
}

/** The case as the workflow sees it now (also after it closed). */
export async function getRepair(deps: RepairDeps, caseId: string): Promise<RepairView> {
  const handle = deps.client.workflow.getHandle(repairWorkflowId(caseId));
  try {
    return await handle.query(repairState);
  } catch (err) {
    throw await fromTemporalError(err, caseId);
  }
}

/** Names of steps the workflow records on its own (the rest are staff actions). */
const stepLabels: Record<string, string> = {
  register: '来电来访登记',
  quoteFee: '有偿维修报价',
  dispatch: '派工',
  completionOverdue: '当日未完工',
  close: '结案',
  ...Object.fromEntries(Object.entries(repairActions).map(([name, rule]) => [name, rule.label])),
};

export type RepairHistory = Omit<CaseRecord, 'steps'> & { steps: (CaseRecord['steps'][number] & { label: string })[] };

/** The audit trail and deadline events, as persisted. */
export async function getRepairHistory(deps: RepairDeps, caseId: string): Promise<RepairHistory> {
  const record = await findCaseRecord(deps.db, repairProcedure, caseId);
  if (!record) throw caseNotFound(caseId);
  return { ...record, steps: record.steps.map((s) => ({ ...s, label: stepLabels[s.action] ?? s.action })) };
}

/** A staff action: role and input checked here, stage (and assignee) by the workflow's validator. */
export async function actOnRepair(
  deps: RepairDeps,
  actor: Actor,
  caseId: string,
  actionName: string,
  body: unknown,
): Promise<RepairView> {
  if (!Object.hasOwn(repairActions, actionName)) throw notFound(`未知操作：${actionName}`, 'UnknownAction');
  const action = actionName as RepairAction;
  const rule: ActionRule = repairActions[action];
  if (!rule.roles.includes(actor.role)) throw forbidden(`角色「${roleNames[actor.role]}」无权执行「${rule.label}」`);
  const input: unknown = parseOr400(rule.input, body ?? {}, `「${rule.label}」的输入无效`);
  const handle = deps.client.workflow.getHandle(repairWorkflowId(caseId));
  try {
    return await handle.executeUpdate(repairUpdates[action], { args: [{ actor, input }] });
  } catch (err) {
    throw await fromTemporalError(err, caseId, handle);
  }
}

// ---- routes ----

const caseIdOf = (req: Request): string => parseOr400(caseIdSchema, req.params['caseId'], '受理编号格式不正确');

export function repairsRouter(deps: RepairDeps): Router {
  const router = Router();

  router.post('/', async (req: Request, res: Response) => {
    const opened = await openRepairCase(deps, actorOf(res), req.body);
    res.status(201).location(`/repairs/${opened.caseId}`).json(opened);
  });

  router.get('/:caseId', async (req: Request, res: Response) => {
    res.json(await getRepair(deps, caseIdOf(req)));
  });

  router.get('/:caseId/history', async (req: Request, res: Response) => {
    res.json(await getRepairHistory(deps, caseIdOf(req)));
  });

  router.post('/:caseId/actions/:action', async (req: Request, res: Response) => {
    const caseId = caseIdOf(req);
    res.json(await actOnRepair(deps, actorOf(res), caseId, String(req.params['action']), req.body));
  });

  return router;
}
