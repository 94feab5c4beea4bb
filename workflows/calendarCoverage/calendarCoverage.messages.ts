/**
 * 节假日数据覆盖检查: every deadline counted in working days or business hours
 * needs the year's public holidays and make-up working days. At its start and
 * every morning the worker checks that the calendar knows them for the next 90
 * days, and tells the manager when it does not (once a day).
 */
import { perCentre } from '../lib/stepRecord';
import { z } from 'zod';
import type { Activities } from '../../activities';
import { BusinessCalendar, type CalendarConfig, type CalendarCoverage, calendarConfigSchema } from '../lib/calendar';
import { role, type Recipient } from '../lib/roles';

export const calendarCoverageScheduleId = 'calendar-coverage';
/** How far ahead the holidays must be known. */
export const calendarCoverageDays = 90;

export const calendarCoverageInputSchema = z.strictObject({ calendar: calendarConfigSchema });
export type CalendarCoverageInput = z.infer<typeof calendarCoverageInputSchema>;

/**
 * The check at `now`, by the daily workflow and by the worker at start: the manager's
 * notice when the next 90 days are not covered, keyed by the day (one a day, whoever
 * checks first).
 */
export async function checkCalendarCoverage(activities: Pick<Activities, 'sendNotices'>, calendar: CalendarConfig, now: Date): Promise<CalendarCoverage> {
  const cal = BusinessCalendar.from(calendar);
  const coverage = cal.coverage(now, calendarCoverageDays);
  if (coverage.covered) return coverage;
  // Each centre's calendar is checked on its own, and its manager told once a day (the default centre's notice keeps its key).
  const whose = calendar.centre === undefined ? '' : `服务中心 ${calendar.centre}：`;
  const known = `${whose}${coverage.through === undefined ? '业务日历中没有任何法定节假日' : `业务日历的法定节假日与调休安排只到 ${coverage.through}`}`;
  const text =
    `${known}，未来 ${calendarCoverageDays} 天（至 ${coverage.needed}）尚未覆盖：未覆盖的日子按普通周末计算工作日时限。` +
    '请升级节假日数据包（chinese-days），或在 config/calendar.json 中补充 holidays、makeUpWorkdays 并写明 coveredThrough。';
  const notices: { recipient: Recipient; text: string }[] = [{ recipient: role('manager'), text }];
  await activities.sendNotices({ key: `${perCentre('calendarCoverage', calendar.centre)}:${cal.localDateOf(now)}`, at: now.toISOString(), notices });
  return coverage;
}
