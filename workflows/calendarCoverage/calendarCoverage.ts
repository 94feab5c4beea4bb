/** 节假日数据覆盖检查, every morning (a Temporal Schedule, scripts/schedules.ts): see calendarCoverage.messages.ts. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { CalendarCoverage } from '../lib/calendar';
import { workflowNow } from '../lib/time';
import { checkCalendarCoverage, type CalendarCoverageInput } from './calendarCoverage.messages';

const activities = proxyActivities<Pick<Activities, 'sendNotices'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export function calendarCoverage(input: CalendarCoverageInput): Promise<CalendarCoverage> {
  return checkCalendarCoverage(activities, input.calendar, new Date(workflowNow()));
}
