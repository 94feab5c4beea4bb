/**
 * 月度报表 — the monthly report DOMAIN.md asks for, as a pure module (no route):
 * cases per procedure; deadlines met and missed per step, with warnings and
 * escalations; return-visit rates against the required rate; repeat complaints;
 * units with the same repair three or more times; unsatisfied return visits
 * (回访不合格); the complaints kept as case studies; the repair return-visit samples drawn. Read from the records the
 * workflows write (Case, DeadlineEvent, AuditEntry) through Prisma only, so it
 * runs unchanged on SQLite and PostgreSQL.
 *
 * The month is a local calendar month of the business calendar (Asia/Shanghai):
 * 2026-11 is [2026-11-01 00:00, 2026-12-01 00:00) local, i.e. [10-31 16:00Z,
 * 11-30 16:00Z). How each figure is counted is documented in api/report/*.ts.
 */
import { z } from 'zod';
import type { Db } from '../db/client';
import type { BusinessCalendar } from '../workflows/lib/calendar';
import { centreIdSchema } from './centres';
import { caseCounts } from './report/caseCounts';
import { deadlineStats } from './report/deadlineStats';
import { localIso, monthBounds, monthSchema } from './report/period';
import { repeatComplaints } from './report/repeatComplaints';
import { repeatedRepairs } from './report/repeatedRepairs';
import { returnVisitRates } from './report/returnVisits';
import { caseStudies } from './report/caseStudies';
import { unsatisfiedVisits } from './report/unsatisfiedVisits';
import { repairSamples } from './report/repairSamples';
import type { MonthlyReport } from './report/types';

export type * from './report/types';
export { monthlyReportCsv } from './report/reportCsv';

/** The query string of a report request: `?month=2026-11&format=csv`. */
export const monthlyReportQuerySchema = z.strictObject({
  month: monthSchema,
  /** One centre of the reader's (company level: any); absent, all of theirs. */
  centre: centreIdSchema.optional(),
  /** `centre`: besides the report over all the centres read, each centre's own, side by side (in the CSV, one after another). */
  by: z.enum(['centre'], { message: 'by 只能是 centre' }).optional(),
  format: z.enum(['json', 'csv'], { message: '格式只能是 json 或 csv' }).optional(),
});
export type MonthlyReportQuery = z.infer<typeof monthlyReportQuerySchema>;

/** The month's report over the given centres (absent: every centre, company-wide). */
export async function monthlyReport(db: Db, calendar: BusinessCalendar, month: string, centres?: readonly string[]): Promise<MonthlyReport> {
  const bounds = { ...monthBounds(calendar, month), ...(centres ? { centres } : {}) };
  const [cases, deadlines, returnVisits, repeats, repeated, unsatisfied, studies, samples] = await Promise.all([
    caseCounts(db, bounds),
    deadlineStats(db, bounds),
    returnVisitRates(db, bounds),
    repeatComplaints(db, calendar, bounds),
    repeatedRepairs(db, calendar, bounds),
    unsatisfiedVisits(db, calendar, bounds),
    caseStudies(db, calendar, bounds),
    repairSamples(db, bounds),
  ]);
  return {
    month,
    timezone: calendar.config.timezone,
    from: localIso(calendar, bounds.from),
    to: localIso(calendar, bounds.to),
    centres: centres ? [...centres] : null,
    cases,
    deadlines,
    returnVisits,
    repeatComplaints: repeats,
    repeatedRepairs: repeated,
    unsatisfiedVisits: unsatisfied,
    caseStudies: studies,
    repairSamples: samples,
  };
}
