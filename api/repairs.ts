/**
 * 报修 over HTTP: thin routes over four use cases. POST starts the workflow,
 * GET asks it (query) or reads the audit trail from the database, POST
 * `/actions/:action` sends a staff action (update) after checking role and
 * input here, so a rejected action never reaches Temporal.
 */
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor } from '../workflows/lib/roles';
import { type OpenRepair, openRepairSchema, type RepairInput, repairContract } from '../workflows/repair/repair.messages';
import { listedFee, type PriceList } from '../workflows/repair/priceList';
import { addCaseRoutes } from './caseRoutes';
import { badRequest, parseOr400 } from './errors';
import { type OpenCaseDeps, type OpenedCase, startCase } from './caseStart';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export type RepairDeps = OpenCaseDeps;

/** 2. A listed-price repair names an item of the price list; its fee is the list's (400 otherwise). */
export function resolvePaid(list: PriceList, paid: OpenRepair['paid']): RepairInput['paid'] {
  if (paid.kind !== 'listed') return paid;
  const fee = listedFee(list, paid.item);
  if (fee === undefined) {
    throw badRequest([{ code: 'custom', path: ['paid', 'item'], message: `「${paid.item}」不在${list.name}中` }], '报修登记内容有误');
  }
  if (paid.feeFen !== undefined && paid.feeFen !== fee) {
    throw badRequest([{ code: 'custom', path: ['paid', 'feeFen'], message: `「${paid.item}」的费用以${list.name}为准：${(fee / 100).toFixed(2)} 元` }], '报修登记内容有误');
  }
  return { kind: 'listed', item: paid.item.trim(), feeFen: fee };
}

// ---- use cases ----

/** 1. Register a call or visit: a new receipt number, a new workflow; the answer is the workflow's own (stage, response and dispatch due times). */
export async function openRepairCase(deps: RepairDeps, actor: Actor, body: unknown): Promise<OpenedCase> {
  authorize(actor, 'repair', 'open');
  const input = parseOr400(openRepairSchema, body, '报修登记内容有误');
  const paid = resolvePaid(deps.priceList, input.paid);
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  return startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
    contract: repairContract,
    input: (caseId): RepairInput => ({ ...input, paid, caseId, receivedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt, takeUpWithin: deps.repairTakeUpWithin, returnVisits: deps.returnVisits }),
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
