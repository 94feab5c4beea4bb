/**
 * 月度归档 (DOMAIN.md §5): by the 5th of each month the previous month's papers
 * are filed and the archive inventory (客户档案资料明细表) updated. Started by a
 * Temporal Schedule at the start of the month (scripts/schedules.ts): reminds
 * the csr and the supervisor and sends what was filed per household.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { BusinessCalendar } from '../lib/calendar';
import { role } from '../lib/roles';
import { nowIso, workflowNow } from '../lib/time';
import { filingDayOfMonth, type MonthlyFilingInput, type MonthlyFilingReport } from './monthlyFiling.messages';
import { monthlyFilingTexts as texts } from './monthlyFiling.texts';

const { ownerFileInventory, sendNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const pad = (n: number) => String(n).padStart(2, '0');

export async function monthlyFiling(input: MonthlyFilingInput): Promise<MonthlyFilingReport> {
  const cal = BusinessCalendar.from(input.calendar);
  const today = cal.formatLocal(workflowNow()); // 'YYYY-MM-DD HH:mm', local
  const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1];
  const offset = cal.config.utcOffsetMinutes;
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  const from = new Date(`${py}-${pad(pm)}-01T00:00:00${zone}`);
  const until = new Date(`${y}-${pad(m)}-01T00:00:00${zone}`);
  const lines = await ownerFileInventory({ from: from.toISOString(), until: until.toISOString() });
  const report: MonthlyFilingReport = {
    month: `${py}-${pad(pm)}`,
    dueBy: `${y}-${pad(m)}-${pad(filingDayOfMonth)}`,
    households: lines.length,
    entries: lines.reduce((n, l) => n + l.total, 0),
    lines: lines.map((l) => ({ unit: l.unit, total: l.total, byKind: l.byKind as Record<string, number> })),
  };
  const notices = [role('csr'), role('supervisor')].flatMap((recipient) => [
    { recipient, text: texts.reminder(report) },
    { recipient, text: texts.inventory(report) },
  ]);
  await sendNotices({ key: `monthlyFiling:${workflowInfo().runId}`, at: nowIso(), notices });
  return report;
}
