/**
 * 节假日数据覆盖检查: every deadline counted in working days or business hours
 * needs the year's public holidays and make-up working days. At its start and
 * every morning the worker checks that the calendar knows them for the next 90
 * days, and tells the manager when it does not (once a day).
 */
import { z } from 'zod';
import { type BusinessCalendar, type CalendarCoverage, calendarConfigSchema } from '../lib/calendar';
import { role, type Recipient } from '../lib/roles';

export const calendarCoverageScheduleId = 'calendar-coverage';
/** How far ahead the holidays must be known. */
export const calendarCoverageDays = 90;

export const calendarCoverageInputSchema = z.strictObject({ calendar: calendarConfigSchema });
export type CalendarCoverageInput = z.infer<typeof calendarCoverageInputSchema>;

export interface CalendarCoverageCheck {
  coverage: CalendarCoverage;
  /** The outbox key of the day's notice (one a day, whoever checks first). */
  key: string;
  notices: { recipient: Recipient; text: string }[];
}

/** The check at `now`: the manager's notice when the next 90 days are not covered. */
export function calendarCoverageCheck(cal: BusinessCalendar, now: Date): CalendarCoverageCheck {
  const coverage = cal.coverage(now, calendarCoverageDays);
  const known = coverage.through === undefined ? '业务日历中没有任何法定节假日' : `业务日历的法定节假日与调休安排只到 ${coverage.through}`;
  const text =
    `${known}，未来 ${calendarCoverageDays} 天（至 ${coverage.needed}）尚未覆盖：未覆盖的日子按普通周末计算工作日时限。` +
    '请升级节假日数据包（chinese-days），或在 config/calendar.json 中补充 holidays、makeUpWorkdays 并写明 coveredThrough。';
  return { coverage, key: `calendarCoverage:${cal.localDateOf(now)}`, notices: coverage.covered ? [] : [{ recipient: role('manager'), text }] };
}
