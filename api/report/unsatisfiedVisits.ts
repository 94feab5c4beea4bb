/**
 * 6. Unsatisfied return visits (回访不合格, 003 回访的统计) recorded in the month: a repair
 * visit that found the owner unsatisfied or a problem (rework), a complaint visit that
 * found the customer unsatisfied (back to handling). Read from the `recordReturnVisit`
 * audit entries' detail (the action's input), so no schema change.
 */
import { z } from 'zod';
import type { Db } from '../../db/client';
import type { BusinessCalendar } from '../../workflows/lib/calendar';
import { localIso, type MonthBounds, within } from './period';
import { procedureOrder } from './procedures';
import type { UnsatisfiedVisitRow } from './types';

const visitAction = 'recordReturnVisit';
const visitDetail = z.object({ satisfied: z.boolean(), problemFound: z.boolean().optional(), note: z.string().optional() });

export async function unsatisfiedVisits(db: Db, cal: BusinessCalendar, month: MonthBounds): Promise<UnsatisfiedVisitRow[]> {
  const visits = await db.auditEntry.findMany({
    where: { action: visitAction, at: within(month) },
    select: { caseId: true, at: true, actorId: true, detail: true, case: { select: { procedure: true, unit: true } } },
    orderBy: [{ at: 'asc' }, { seq: 'asc' }],
  });
  return visits
    .flatMap((v) => {
      const d = visitDetail.safeParse(JSON.parse(v.detail));
      if (!d.success || (d.data.satisfied && d.data.problemFound !== true)) return [];
      return [{ procedure: v.case.procedure, caseId: v.caseId, unit: v.case.unit, at: localIso(cal, v.at), visitor: v.actorId, note: d.data.note ?? '' }];
    })
    .sort((a, b) => procedureOrder(a.procedure) - procedureOrder(b.procedure));
}
