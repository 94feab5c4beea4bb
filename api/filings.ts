/**
 * 月度归档 over HTTP: the month's filing case is opened by the schedule on the 1st;
 * `POST /filings` lets a supervisor open it by hand (the same case when it is open
 * already); the shared case routes read it and record the filing (`recordFiling`).
 */
import { ownerFileInventoryOf } from '../activities/archives';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { centreOfCalendar } from '../workflows/lib/stepRecord';
import { type Actor } from '../workflows/lib/roles';
import { filingPeriodOf, type MonthlyFilingCaseInput, monthlyFilingCaseId, monthlyFilingContract } from '../workflows/monthlyFiling/monthlyFiling.messages';
import { addCaseRoutes } from './caseRoutes';
import { type OpenCaseDeps, type OpenedCase, refuseIfStarted, startCase } from './caseStart';
import { parseOr400 } from './errors';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export async function openMonthlyFiling(deps: OpenCaseDeps, actor: Actor, body: unknown): Promise<OpenedCase> {
  authorize(actor, 'monthlyFiling', 'open');
  parseOr400(monthlyFilingContract.openSchema, body ?? {}, '开启月度归档的内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const period = filingPeriodOf(cal, now);
  const centre = centreOfCalendar(deps.calendar);
  const lines = await ownerFileInventoryOf(deps.db, centre, period.from, period.until);
  const caseId = monthlyFilingCaseId(period.dueBy, centre);
  await refuseIfStarted(deps.client, monthlyFilingContract.workflowId(caseId), `本月的月度归档已开启：${caseId}`, 'AlreadyOpen');
  return startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    // One case per month: its receipt number follows from the month, so a second opening answers the same case.
    request: { ...deps.request, receipt: caseId },
    contract: monthlyFilingContract,
    input: (id): MonthlyFilingCaseInput => ({
      caseId: id,
      month: period.month,
      dueBy: period.dueBy,
      expected: { households: lines.length, entries: lines.reduce((n, l) => n + l.total, 0) },
      openedBy: actor,
      calendar: deps.calendar,
      warnAt: deps.warnAt,
    }),
  });
}

export function monthlyFilingRoutes(routes: Routes, deps: OpenCaseDeps): Routes {
  addOpenRoute(routes, deps, {
    api: monthlyFilingContract,
    summary: "Opens this month's filing case by hand (the schedule opens it on the 1st): the previous month's papers, due by the 5th.",
    open: openMonthlyFiling,
  });
  return addCaseRoutes(routes, deps, monthlyFilingContract);
}
