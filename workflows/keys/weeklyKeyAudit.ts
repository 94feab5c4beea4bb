/**
 * 每周钥匙盘点 (DOMAIN.md §4): at least weekly every key is checked against the
 * ledger; the week's usage goes to the supervisor; anything missing goes to the
 * manager at once. Started by a Temporal Schedule (scripts/schedules.ts).
 */
import { patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { KeyAuditReport } from '../../activities/keys';
import { BusinessCalendar } from '../lib/calendar';
import { role } from '../lib/roles';
import { nowIso, workflowNow } from '../lib/time';
import { openChildCase } from '../lib/childCase';
import { centreOfCalendar } from '../lib/stepRecord';
import { keyCheckContract, keyCheckInputOf, weeklyKeyCheckCaseId } from './keyCheck.messages';
import { keyAuditWindow, type WeeklyKeyAuditInput } from './weeklyKeyAudit.messages';
import { weeklyKeyAuditTexts } from './weeklyKeyAudit.texts';

const { keyAudit, sendNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Since 0.4.0 the weekly audit opens the physical key check (issue 13 rule 13). */
export const keyCheckCasePatch = 'key-check-case-0.4';

export async function weeklyKeyAudit(input: WeeklyKeyAuditInput): Promise<KeyAuditReport> {
  const cal = BusinessCalendar.from(input.calendar);
  const until = new Date(workflowNow());
  const since = new Date(until.getTime() - cal.allowedMs(until, keyAuditWindow));
  const centre = centreOfCalendar(input.calendar);
  // The schedule's centre's cabinet (a run from before centres: the default centre's, which was every key).
  const report = await keyAudit({ since: since.toISOString(), until: until.toISOString(), centre });
  const texts = weeklyKeyAuditTexts(`${cal.formatLocal(since)} 至 ${cal.formatLocal(until)}`);
  const notices = [{ recipient: role('supervisor'), text: texts.summary(report) }];
  if (report.missing.length > 0) notices.push({ recipient: role('manager'), text: texts.missing(report) });
  await sendNotices({ key: `keyAudit:${workflowInfo().runId}`, at: nowIso(), notices });
  // Since 0.4.0 the comparison of the tables is followed by the physical check: a case for the front-desk csr.
  if (patched(keyCheckCasePatch) && report.register && report.register.length > 0) {
    const checkInput = keyCheckInputOf(weeklyKeyCheckCaseId(cal.localDateOf(until), centre), report, { since, until }, { calendar: input.calendar });
    await openChildCase(keyCheckContract, checkInput);
  }
  return report;
}
