/**
 * 3. Return-visit rates against the required rate, for the cases whose return visit
 * fell due to start this month: the first run of their `returnVisit` clock started in
 * the month (a repair completed, a complaint answered to the customer's satisfaction,
 * an event held). Visits count whenever they were recorded, so a report run after the
 * last of the month's visits was due is final; run earlier, it shows them as not yet done.
 */
import { z } from 'zod';
import type { Db } from '../../db/client';
import { clockInstanceOf } from './clockInstance';
import { caseInCentres, type MonthBounds, ratio, within } from './period';
import { participantsAction, type ReturnVisitRule, returnVisitClock, returnVisitRules } from './returnVisitRules';
import type { ReturnVisitRow } from './types';

interface DueVisit {
  caseId: string;
  dueAt: Date;
}

/** Cases of a procedure whose first return-visit clock started in the month, with its due time. */
async function dueVisits(db: Db, month: MonthBounds, procedure: string): Promise<DueVisit[]> {
  const started = await db.deadlineEvent.findMany({
    where: { clock: returnVisitClock, kind: 'started', at: within(month), case: { procedure, ...caseInCentres(month) } },
    select: { key: true, caseId: true, dueAt: true, at: true },
  });
  return started
    .filter((s) => clockInstanceOf(s.key).run === 1)
    .map((s) => ({ caseId: s.caseId, dueAt: s.dueAt ?? s.at }));
}

const participantsDetail = z.object({ count: z.number().int().min(0) });

/** Units each case needs visited: 1 case, or its participants. */
async function neededPerCase(db: Db, rule: ReturnVisitRule, caseIds: string[]): Promise<Map<string, number>> {
  if (rule.basis === 'cases') return new Map(caseIds.map((id) => [id, 1]));
  const entries = await db.auditEntry.findMany({
    where: { caseId: { in: caseIds }, action: participantsAction },
    select: { caseId: true, detail: true },
  });
  const counts = new Map(caseIds.map((id) => [id, 0]));
  for (const e of entries) {
    const parsed = participantsDetail.safeParse(JSON.parse(e.detail));
    if (parsed.success) counts.set(e.caseId, parsed.data.count);
  }
  return counts;
}

async function visitTimes(db: Db, rule: ReturnVisitRule, caseIds: string[]): Promise<Map<string, Date[]>> {
  const entries = await db.auditEntry.findMany({
    where: { caseId: { in: caseIds }, action: rule.visitAction },
    select: { caseId: true, at: true },
    orderBy: [{ at: 'asc' }, { seq: 'asc' }],
  });
  const visits = new Map<string, Date[]>();
  for (const e of entries) visits.set(e.caseId, [...(visits.get(e.caseId) ?? []), e.at]);
  return visits;
}

async function returnVisitRow(db: Db, month: MonthBounds, rule: ReturnVisitRule): Promise<ReturnVisitRow> {
  const due = await dueVisits(db, month, rule.procedure);
  const caseIds = due.map((d) => d.caseId);
  const [needed, visits] = caseIds.length
    ? await Promise.all([neededPerCase(db, rule, caseIds), visitTimes(db, rule, caseIds)])
    : [new Map<string, number>(), new Map<string, Date[]>()];
  const totals = { needed: 0, visited: 0, onTime: 0 };
  for (const d of due) {
    const n = needed.get(d.caseId) ?? 0;
    const counted = (visits.get(d.caseId) ?? []).slice(0, n);
    totals.needed += n;
    totals.visited += counted.length;
    totals.onTime += counted.filter((at) => at.getTime() < d.dueAt.getTime()).length;
  }
  // Judged in whole visits: 10% of 25 participants needs 3 (as the event's sample draws them).
  const required = Math.ceil(rule.requiredRate * totals.needed - 1e-9);
  return {
    procedure: rule.procedure,
    basis: rule.basis,
    ...totals,
    rate: ratio(totals.visited, totals.needed),
    onTimeRate: ratio(totals.onTime, totals.needed),
    requiredRate: rule.requiredRate,
    meetsRequirement: totals.onTime >= required,
  };
}

export function returnVisitRates(db: Db, month: MonthBounds): Promise<ReturnVisitRow[]> {
  return Promise.all(returnVisitRules.map((rule) => returnVisitRow(db, month, rule)));
}
