/**
 * 5. Units with the same repair three or more times (DOMAIN.md §2).
 *
 * "The same repair" is the same unit with the same fault text once normalised
 * (Unicode NFKC, lower case, whitespace, punctuation and symbols removed): the
 * fault the csr registers (the case summary) is all a repair records about what is
 * broken; adding a fault category to the repair input would sharpen this later.
 * Repairs the owner cancelled (declined the fee) were never done and do not count.
 *
 * Window: the reported month and the two before it (a rolling quarter of local
 * months), so three calls straddling a month end are still seen; a unit is listed
 * when at least one of its repeats was opened in the reported month, so it is
 * reported in the month its count reached or passed three, and in any later month
 * the fault recurs within the quarter.
 */
import type { Db } from '../../db/client';
import type { BusinessCalendar } from '../../workflows/lib/calendar';
import { repairProcedure } from '../../workflows/repair/repair.messages';
import { caseInCentres, type MonthBounds } from './period';
import type { RepeatedRepairRow } from './types';

export const sameRepairThreshold = 3;
export const sameRepairWindowMonths = 3;

export function normalizeFault(fault: string): string {
  return fault.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
}

export async function repeatedRepairs(db: Db, cal: BusinessCalendar, month: MonthBounds): Promise<RepeatedRepairRow[]> {
  const since = cal.addMonths(month.from, 1 - sameRepairWindowMonths);
  const repairs = await db.case.findMany({
    where: {
      procedure: repairProcedure,
      openedAt: { gte: since, lt: month.to },
      OR: [{ outcome: null }, { outcome: { not: 'cancelled' } }],
      ...caseInCentres(month),
    },
    select: { id: true, centre: true, unit: true, summary: true, openedAt: true },
    orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
  });
  const groups = new Map<string, typeof repairs>();
  for (const r of repairs) {
    // The same household: its unit in its centre (unit numbers repeat from centre to centre).
    const key = `${r.centre}\u0000${r.unit}\u0000${normalizeFault(r.summary)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()]
    .filter((g) => g.length >= sameRepairThreshold && g.some((r) => r.openedAt >= month.from))
    .map((g) => ({ centre: g[0].centre, unit: g[0].unit, fault: g[g.length - 1].summary, count: g.length, caseIds: g.map((r) => r.id) }))
    .sort((a, b) => b.count - a.count || a.unit.localeCompare(b.unit));
}
