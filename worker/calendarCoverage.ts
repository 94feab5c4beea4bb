/**
 * The worker's check at start that the business calendar knows the next 90
 * days' holidays (the same check the daily schedule runs, one notice a day to
 * the manager whichever comes first; calendarCoverage.messages.ts).
 */
import type { Activities } from '../activities';
import { BusinessCalendar, type CalendarConfig, type CalendarCoverage } from '../workflows/lib/calendar';
import { calendarCoverageCheck } from '../workflows/calendarCoverage/calendarCoverage.messages';

export async function checkCalendarCoverage(activities: Pick<Activities, 'sendNotices'>, calendar: CalendarConfig, now: Date = new Date()): Promise<CalendarCoverage> {
  const check = calendarCoverageCheck(BusinessCalendar.from(calendar), now);
  if (check.notices.length > 0) await activities.sendNotices({ key: check.key, at: now.toISOString(), notices: check.notices });
  return check.coverage;
}
