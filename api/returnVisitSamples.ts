/**
 * 维修抽样回访 over HTTP (RETURN_VISITS=monthlySample): the schedule draws the previous
 * month's sample on the 1st; `POST /return-visit-samples` lets a supervisor draw it by
 * hand (409 when the month's sample is drawn); the shared case routes read it and record
 * each sampled visit (`recordSampledVisit`).
 */
import { createSampleActivities } from '../activities/samples';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { centreOfCalendar } from '../workflows/lib/stepRecord';
import { type Actor } from '../workflows/lib/roles';
import { monthlySample } from '../workflows/repair/returnVisitSampling';
import { repairVisitSampleCaseId, repairVisitSampleContract, type RepairVisitSampleInput } from '../workflows/repairVisitSample/repairVisitSample.messages';
import { addCaseRoutes } from './caseRoutes';
import { type OpenCaseDeps, type OpenedCase, refuseIfStarted, startCase } from './caseStart';
import { conflict, parseOr400 } from './errors';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export async function drawRepairVisitSample(deps: OpenCaseDeps, actor: Actor, body: unknown): Promise<OpenedCase> {
  authorize(actor, 'repairVisitSample', 'open');
  parseOr400(repairVisitSampleContract.openSchema, body ?? {}, '抽样内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const centre = centreOfCalendar(deps.calendar);
  const caseId = repairVisitSampleCaseId(cal.localDateOf(now), centre);
  await refuseIfStarted(deps.client, repairVisitSampleContract.workflowId(caseId), `本月的维修回访样本已抽取：${caseId}`, 'AlreadyDrawn');
  const { month, from, until } = cal.previousMonthOf(now);
  const pool = await createSampleActivities(deps.db).repairSamplePool({ from: from.toISOString(), until: until.toISOString(), centre });
  if (pool.length === 0) throw conflict(`${month} 没有待抽样回访的派工单`, 'NothingToSample');
  const sample = monthlySample(month, pool.map((o) => o.caseId));
  return startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: { ...deps.request, receipt: caseId },
    contract: repairVisitSampleContract,
    input: (id): RepairVisitSampleInput => ({ caseId: id, month, orders: pool.length, sample: pool.filter((o) => sample.includes(o.caseId)), openedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt }),
  });
}

export function repairVisitSampleRoutes(routes: Routes, deps: OpenCaseDeps): Routes {
  addOpenRoute(routes, deps, {
    api: repairVisitSampleContract,
    summary: "Draws last month's sample of repair work orders by hand (the schedule draws it on the 1st) and opens its return visits, due within 1 month.",
    open: drawRepairVisitSample,
  });
  return addCaseRoutes(routes, deps, repairVisitSampleContract);
}
