/** 节假日数据覆盖检查, every morning (a Temporal Schedule, scripts/schedules.ts): see calendarCoverage.messages.ts. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { BusinessCalendar, type CalendarCoverage } from '../lib/calendar';
import { nowIso, workflowNow } from '../lib/time';
import { calendarCoverageCheck, type CalendarCoverageInput } from './calendarCoverage.messages';

const { sendNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export async function calendarCoverage(input: CalendarCoverageInput): Promise<CalendarCoverage> {
  const check = calendarCoverageCheck(BusinessCalendar.from(input.calendar), new Date(workflowNow()));
  if (check.notices.length > 0) await sendNotices({ key: check.key, at: nowIso(), notices: check.notices });
  return check.coverage;
}
