/**
 * 月度归档 (DOMAIN.md §5): by the 5th of each month the previous month's papers
 * are filed and the archive inventory (客户档案资料明细表) updated. Started by a
 * Temporal Schedule at the start of the month (scripts/schedules.ts): reminds
 * the csr and the supervisor, sends what was filed per household, and (since
 * 0.4.0) opens the month's filing case, the csr's clock (monthlyFilingCase.ts).
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { BusinessCalendar } from '../lib/calendar';
import { role } from '../lib/roles';
import { openChildCase } from '../lib/childCase';
import { centreOfCalendar } from '../lib/stepRecord';
import { nowIso, workflowNow } from '../lib/time';
import { filingPeriodOf, type MonthlyFilingCaseInput, monthlyFilingCaseId, monthlyFilingContract, type MonthlyFilingInput, type MonthlyFilingReport } from './monthlyFiling.messages';
import { monthlyFilingTexts as texts } from './monthlyFiling.texts';

const { ownerFileInventory, sendNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Since 0.4.0 the schedule's run opens the month's filing case (issue 13 rule 14). */
export const monthlyFilingCasePatch = 'monthly-filing-case-0.4';

export async function monthlyFiling(input: MonthlyFilingInput): Promise<MonthlyFilingReport> {
  const cal = BusinessCalendar.from(input.calendar);
  const period = filingPeriodOf(cal, new Date(workflowNow()));
  const centre = centreOfCalendar(input.calendar);
  // The schedule's centre's households (a run from before centres: the default centre's, which was every household).
  const lines = await ownerFileInventory({ from: period.from.toISOString(), until: period.until.toISOString(), centre });
  const report: MonthlyFilingReport = {
    month: period.month,
    dueBy: period.dueBy,
    households: lines.length,
    entries: lines.reduce((n, l) => n + l.total, 0),
    lines: lines.map((l) => ({ unit: l.unit, total: l.total, byKind: l.byKind as Record<string, number> })),
  };
  const notices = [role('csr'), role('supervisor')].flatMap((recipient) => [
    { recipient, text: texts.reminder(report) },
    { recipient, text: texts.inventory(report) },
  ]);
  await sendNotices({ key: `monthlyFiling:${workflowInfo().runId}`, at: nowIso(), notices });
  if (patched(monthlyFilingCasePatch)) {
    const caseInput: MonthlyFilingCaseInput = {
      caseId: monthlyFilingCaseId(period.dueBy, centre),
      month: report.month,
      dueBy: report.dueBy,
      expected: { households: report.households, entries: report.entries },
      calendar: input.calendar,
    };
    await openChildCase(monthlyFilingContract, caseInput);
  }
  return report;
}
