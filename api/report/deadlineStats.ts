/**
 * 2. Deadlines met and missed per procedure and step, from the `DeadlineEvent` rows
 * whose `at` falls in the month.
 *
 * A clock finished after its breach records both `breached` and `met` (the step was
 * done, late): it counts as missed in the month of the breach and never as met. So a
 * `met` counts only when that run of the clock (clockInstance.ts) has no breach.
 * Warnings count every warning sent; escalations every level beyond the breach.
 */
import type { Db } from '../../db/client';
import { clockInstanceOf } from './clockInstance';
import { type MonthBounds, ofCaseInCentres, ratio, within } from './period';
import { procedureOrder } from './procedures';
import type { DeadlineRow } from './types';

const countedKinds = ['met', 'breached', 'warning', 'escalated'] as const;
type CountedKind = (typeof countedKinds)[number];

/** Runs of clocks (instance ids) among these cases that were breached before `before`. */
async function breachedRuns(db: Db, caseIds: string[], before: Date): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await db.deadlineEvent.findMany({
    where: { kind: 'breached', caseId: { in: caseIds }, at: { lt: before } },
    select: { key: true },
  });
  return new Set(rows.map((r) => clockInstanceOf(r.key).id));
}

export async function deadlineStats(db: Db, month: MonthBounds): Promise<DeadlineRow[]> {
  const events = await db.deadlineEvent.findMany({
    where: { at: within(month), kind: { in: [...countedKinds] }, ...ofCaseInCentres(month) },
    select: { key: true, caseId: true, clock: true, step: true, kind: true, case: { select: { procedure: true } } },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
  });
  const metCases = [...new Set(events.filter((e) => e.kind === 'met').map((e) => e.caseId))];
  const late = await breachedRuns(db, metCases, month.to);

  const rows = new Map<string, DeadlineRow>();
  for (const e of events) {
    const id = `${e.case.procedure}\u0000${e.clock}`;
    const row = rows.get(id) ?? { procedure: e.case.procedure, clock: e.clock, step: e.step, met: 0, missed: 0, warnings: 0, escalations: 0, metRate: null };
    rows.set(id, row);
    switch (e.kind as CountedKind) {
      case 'met':
        if (!late.has(clockInstanceOf(e.key).id)) row.met += 1;
        break;
      case 'breached':
        row.missed += 1;
        break;
      case 'warning':
        row.warnings += 1;
        break;
      case 'escalated':
        row.escalations += 1;
        break;
    }
  }
  return [...rows.values()]
    .filter((r) => r.met + r.missed + r.warnings + r.escalations > 0) // e.g. only a late finish of last month's breach
    .map((r) => ({ ...r, metRate: ratio(r.met, r.met + r.missed) }))
    .sort((a, b) => procedureOrder(a.procedure) - procedureOrder(b.procedure) || a.procedure.localeCompare(b.procedure) || a.clock.localeCompare(b.clock));
}
