/**
 * China's public holidays and make-up working days (调休), as the State Council
 * announces them each year, from the maintained `chinese-days` package: the
 * business calendar's national part. A centre's own configuration adds to it
 * or overrides a day (config/loadCalendar.ts). Node-side only.
 */
import nationalDays from 'chinese-days/dist/chinese-days.json';
import type { CalendarConfig } from '../workflows/lib/calendar';

export interface NationalCalendar {
  holidays: string[];
  makeUpWorkdays: string[];
  /** 31 December of the last year the list announces. */
  coveredThrough: string | undefined;
}

const dates = (days: Record<string, string>, fromYear: number): string[] =>
  Object.keys(days)
    .filter((d) => Number(d.slice(0, 4)) >= fromYear)
    .sort();

/** The national list from `fromYear` on (earlier years would only weigh down every case's input). */
export function nationalCalendar(fromYear: number): NationalCalendar {
  const years = Object.keys(nationalDays.holidays).map((d) => d.slice(0, 4));
  const last = years.sort().at(-1);
  return {
    holidays: dates(nationalDays.holidays, fromYear),
    makeUpWorkdays: dates(nationalDays.workdays, fromYear),
    coveredThrough: last === undefined ? undefined : `${last}-12-31`,
  };
}

/**
 * The centre's calendar on top of the national one: a day the centre lists as a
 * holiday or a make-up working day wins over the national list; the coverage is
 * the later of the two.
 */
export function withNationalDays(own: CalendarConfig, national: NationalCalendar): CalendarConfig {
  const ownHolidays = new Set(own.holidays);
  const ownWorkdays = new Set(own.makeUpWorkdays);
  const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
  const later = [own.coveredThrough, national.coveredThrough].filter((d): d is string => d !== undefined).sort().at(-1);
  return {
    ...own,
    holidays: union(national.holidays.filter((d) => !ownWorkdays.has(d)), own.holidays),
    makeUpWorkdays: union(national.makeUpWorkdays.filter((d) => !ownHolidays.has(d)), own.makeUpWorkdays),
    ...(later === undefined ? {} : { coveredThrough: later }),
  };
}
