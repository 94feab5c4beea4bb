/**
 * 8. Repair return-visit samples (003 回访率 2, RETURN_VISITS=monthlySample) drawn in the
 * month: the work orders' month, how many there were, how many were sampled (the manual's
 * bands), how many of the sample were visited so far and how many of those were
 * 回访不合格. Read from the sample cases' audit entries.
 */
import { z } from 'zod';
import type { Db } from '../../db/client';
import { repairVisitSampleProcedure } from '../../workflows/repairVisitSample/repairVisitSample.messages';
import { caseInCentres, type MonthBounds, within } from './period';
import type { RepairSampleRow } from './types';

const drawn = z.object({ month: z.string(), orders: z.number().int(), size: z.number().int() });
const visit = z.object({ satisfied: z.boolean(), problemFound: z.boolean() });

export async function repairSamples(db: Db, month: MonthBounds): Promise<RepairSampleRow[]> {
  const opened = await db.auditEntry.findMany({
    where: { action: 'open', at: within(month), case: { procedure: repairVisitSampleProcedure, ...caseInCentres(month) } },
    select: { caseId: true, detail: true },
    orderBy: [{ at: 'asc' }, { caseId: 'asc' }],
  });
  if (opened.length === 0) return [];
  const visits = await db.auditEntry.findMany({ where: { action: 'recordSampledVisit', caseId: { in: opened.map((o) => o.caseId) } }, select: { caseId: true, detail: true } });
  return opened.flatMap((o) => {
    const d = drawn.safeParse(JSON.parse(o.detail));
    if (!d.success) return [];
    const mine = visits.filter((v) => v.caseId === o.caseId).map((v) => visit.safeParse(JSON.parse(v.detail))).flatMap((v) => (v.success ? [v.data] : []));
    return [{ caseId: o.caseId, month: d.data.month, orders: d.data.orders, sampleSize: d.data.size, visited: mine.length, unsatisfied: mine.filter((v) => !v.satisfied || v.problemFound).length }];
  });
}
