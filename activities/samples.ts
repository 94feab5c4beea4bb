/** Repair work orders that wait for the month's return-visit sample (RETURN_VISITS=monthlySample). */
import type { Db } from '../db/client';
import { toMonthlySampleStep } from '../workflows/repair/returnVisitSampling';

export function createSampleActivities(db: Db) {
  return {
    /** The work orders put into the sample pool within [from, until), oldest first. */
    async repairSamplePool(w: { from: string; until: string }): Promise<{ caseId: string; unit: string; fault: string }[]> {
      const entries = await db.auditEntry.findMany({
        where: { action: toMonthlySampleStep, at: { gte: new Date(w.from), lt: new Date(w.until) } },
        select: { caseId: true, case: { select: { unit: true, summary: true } } },
        orderBy: [{ at: 'asc' }, { caseId: 'asc' }],
      });
      return entries.map((e) => ({ caseId: e.caseId, unit: e.case.unit, fault: e.case.summary }));
    },
  };
}
