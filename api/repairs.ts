/**
 * 报修 over HTTP: thin routes over four use cases. POST starts the workflow,
 * GET asks it (query) or reads the audit trail from the database, POST
 * `/actions/:action` sends a staff action (update) after checking role and
 * input here, so a rejected action never reaches Temporal.
 */
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor } from '../workflows/lib/roles';
import { caseBreached, caseProcedure, caseStage, caseUnit } from '../workflows/lib/searchAttributes';
import {
  openRepairSchema,
  type RepairInput,
  repairProcedure,
  type RepairStage,
  repairWorkflowId,
  repairContract,
} from '../workflows/repair/repair.messages';
import { repairDeadlines } from '../workflows/repair/repair.policy';
import { addCaseRoutes } from './caseRoutes';
import { parseOr400 } from './errors';
import { type OpenCaseDeps, repairDetails, repairSummary, requestMemo, startWithNewReceipt } from './caseStart';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export type RepairDeps = OpenCaseDeps;

export interface OpenedRepair {
  caseId: string;
  workflowId: string;
  stage: RepairStage;
  /** When the owner must hear back, and when a technician must have taken the job (null while a quoted fee awaits the owner). */
  dueAt: { response: string; dispatch: string | null };
}

// ---- use cases ----

/** 1. Register a call or visit: a new receipt number, a new workflow. */
export async function openRepairCase(deps: RepairDeps, actor: Actor, body: unknown): Promise<OpenedRepair> {
  authorize(actor, 'repair', 'open');
  const input = parseOr400(openRepairSchema, body, '报修登记内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const stage: RepairStage = input.paid.kind === 'listed' ? 'awaitingFeeConfirmation' : 'dispatching';

  const caseId = await startWithNewReceipt('BX', cal, now, (id) => {
    const args: [RepairInput] = [{ ...input, caseId: id, receivedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt }];
    return deps.client.workflow.start('repairRequest', {
      taskQueue: deps.taskQueue,
      workflowId: repairWorkflowId(id),
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
      staticSummary: repairSummary(id, input),
      memo: requestMemo(deps.request),
      staticDetails: repairDetails(id, input, actor, cal, now),
    });
  }, deps.request?.receipt);
  return {
    caseId,
    workflowId: repairWorkflowId(caseId),
    stage,
    dueAt: {
      response: cal.due(now, repairDeadlines.response).toISOString(),
      dispatch: stage === 'dispatching' ? cal.due(now, repairDeadlines.dispatch).toISOString() : null,
    },
  };
}

// ---- routes ----


export function repairRoutes(routes: Routes, deps: RepairDeps): Routes {
  addOpenRoute(routes, deps, {
    api: repairContract,
    summary: 'Registers a repair call or visit (来电来访登记).',
    body: openRepairSchema,
    open: openRepairCase,
  });
  return addCaseRoutes(routes, deps, repairContract);
}
