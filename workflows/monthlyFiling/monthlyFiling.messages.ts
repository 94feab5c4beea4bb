/** The monthly filing reminder's contract: run by a Temporal Schedule (scripts/schedules.ts), or directly. */
import { z } from 'zod';
import { calendarConfigSchema } from '../lib/calendar';

export const monthlyFilingScheduleId = 'monthly-filing';
export const monthlyFilingInputSchema = z.strictObject({ calendar: calendarConfigSchema });
export type MonthlyFilingInput = z.infer<typeof monthlyFilingInputSchema>;
/** The previous month's papers are filed by this day of the month (DOMAIN.md §5). */
export const filingDayOfMonth = 5;

export interface MonthlyFilingReport {
  month: string; // 'YYYY-MM', the month being filed
  dueBy: string; // local date 'YYYY-MM-DD'
  households: number;
  entries: number;
  lines: { unit: string; total: number; byKind: Record<string, number> }[];
}
