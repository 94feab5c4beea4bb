/** Repair work orders that wait for the month's return-visit sample (RETURN_VISITS=monthlySample). */
import type { Db } from '../db/client';
import { toMonthlySampleStep } from '../workflows/repair/returnVisitSampling';
import { defaultCentre } from '../workflows/lib/stepRecord';

export function createSampleActivities(db: Db) {
  return {
    /** One centre's work orders put into the sample pool within [from, until), oldest first (no centre: the default centre). */
    async repairSamplePool(w: { from: string; until: string; centre?: string }): Promise<{ caseId: string; unit: string; fault: string }[]> {
      const entries = await db.auditEntry.findMany({
        where: { action: toMonthlySampleStep, at: { gte: new Date(w.from), lt: new Date(w.until) }, case: { centre: w.centre ?? defaultCentre } },
        select: { caseId: true, case: { select: { unit: true, summary: true } } },
        orderBy: [{ at: 'asc' }, { caseId: 'asc' }],
      });
      return entries.map((e) => ({ caseId: e.caseId, unit: e.case.unit, fault: e.case.summary }));
    },
  };
}
