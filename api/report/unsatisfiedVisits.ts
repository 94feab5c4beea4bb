/**
 * 6. Unsatisfied return visits (回访不合格, 003 回访的统计) recorded in the month: a repair
 * visit that found the owner unsatisfied or a problem (rework), a complaint visit that
 * found the customer unsatisfied (back to handling). Read from the `recordReturnVisit`
 * audit entries' detail (the action's input), so no schema change.
 */
import { z } from 'zod';
import type { Db } from '../../db/client';
import type { BusinessCalendar } from '../../workflows/lib/calendar';
import { localIso, type MonthBounds, ofCaseInCentres, within } from './period';
import { procedureOrder } from './procedures';
import type { UnsatisfiedVisitRow } from './types';

/** A case's own return visit, and a sampled work order's (its detail names the order). */
const visitActions = ['recordReturnVisit', 'recordSampledVisit'];
const visitDetail = z.object({ satisfied: z.boolean(), problemFound: z.boolean().optional(), note: z.string().optional(), order: z.string().optional() });

export async function unsatisfiedVisits(db: Db, cal: BusinessCalendar, month: MonthBounds): Promise<UnsatisfiedVisitRow[]> {
  const visits = await db.auditEntry.findMany({
    where: { action: { in: visitActions }, at: within(month), ...ofCaseInCentres(month) },
    select: { caseId: true, at: true, actorId: true, detail: true, case: { select: { procedure: true, unit: true } } },
    orderBy: [{ at: 'asc' }, { seq: 'asc' }],
  });
  const unsatisfied = visits.flatMap((v) => {
    const d = visitDetail.safeParse(JSON.parse(v.detail));
    return d.success && (!d.data.satisfied || d.data.problemFound === true) ? [{ v, d: d.data }] : [];
  });
  // A sampled visit is listed under its work order (a repair), with the order's unit.
  const orders = unsatisfied.flatMap(({ d }) => (d.order ? [d.order] : []));
  const units = new Map((orders.length ? await db.case.findMany({ where: { id: { in: orders } }, select: { id: true, unit: true } }) : []).map((c) => [c.id, c.unit]));
  return unsatisfied
    .map(({ v, d }) => {
      const caseId = d.order ?? v.caseId;
      return { procedure: d.order ? 'repair' : v.case.procedure, caseId, unit: d.order ? (units.get(d.order) ?? '') : v.case.unit, at: localIso(cal, v.at), visitor: v.actorId, note: d.note ?? '' };
    })
    .sort((a, b) => procedureOrder(a.procedure) - procedureOrder(b.procedure));
}
