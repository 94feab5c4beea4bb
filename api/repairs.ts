/**
 * 报修 over HTTP: thin routes over four use cases. POST starts the workflow,
 * GET asks it (query) or reads the audit trail from the database, POST
 * `/actions/:action` sends a staff action (update) after checking role and
 * input here, so a rejected action never reaches Temporal.
 */
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor } from '../workflows/lib/roles';
import { openRepairSchema, type RepairInput, repairContract } from '../workflows/repair/repair.messages';
import { addCaseRoutes } from './caseRoutes';
import { parseOr400 } from './errors';
import { type OpenCaseDeps, type OpenedCase, startCase } from './caseStart';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export type RepairDeps = OpenCaseDeps;

// ---- use cases ----

/** 1. Register a call or visit: a new receipt number, a new workflow; the answer is the workflow's own (stage, response and dispatch due times). */
export async function openRepairCase(deps: RepairDeps, actor: Actor, body: unknown): Promise<OpenedCase> {
  authorize(actor, 'repair', 'open');
  const input = parseOr400(openRepairSchema, body, '报修登记内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  return startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
    contract: repairContract,
    input: (caseId): RepairInput => ({ ...input, caseId, receivedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt, takeUpWithin: deps.repairTakeUpWithin }),
  });
}

// ---- routes ----

export function repairRoutes(routes: Routes, deps: RepairDeps): Routes {
  addOpenRoute(routes, deps, {
    api: repairContract,
    summary: 'Registers a repair call or visit (来电来访登记).',
    open: openRepairCase,
  });
  return addCaseRoutes(routes, deps, repairContract);
}
