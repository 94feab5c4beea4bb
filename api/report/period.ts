/** The reported month: a local calendar month of the business calendar, as UTC bounds. */
import { z } from 'zod';
import { type BusinessCalendar, MS_PER_MINUTE } from '../../workflows/lib/calendar';

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM（例：2026-11）');

export interface MonthBounds {
  /** Local midnight starting the 1st (inclusive). */
  from: Date;
  /** Local midnight starting the next month's 1st (exclusive). */
  to: Date;
  /** The centres reported: absent, every centre (company-wide). */
  centres?: readonly string[];
}

export function monthBounds(cal: BusinessCalendar, month: string): MonthBounds {
  const from = cal.startOfLocalDate(`${monthSchema.parse(month)}-01`);
  return { from, to: cal.addMonths(from, 1) };
}

/** Prisma filter on a case row: one of the reported centres. */
export const caseInCentres = (b: MonthBounds) => (b.centres ? { centre: { in: [...b.centres] } } : {});

/** Prisma filter on a row of a case (its audit entries, clock events): the case is one of the reported centres'. */
export const ofCaseInCentres = (b: MonthBounds) => (b.centres ? { case: caseInCentres(b) } : {});

/** Prisma filter: an instant within the month. */
export const within = (b: MonthBounds) => ({ gte: b.from, lt: b.to });

/** A fraction, or null when nothing was counted. */
export const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/** ISO-8601 in the calendar's local time with its offset: '2026-11-01T00:00:00+08:00'. */
export function localIso(cal: BusinessCalendar, instant: Date): string {
  const offset = cal.config.utcOffsetMinutes;
  const local = new Date(instant.getTime() + offset * MS_PER_MINUTE).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
