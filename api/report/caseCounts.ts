/** 1. Cases per procedure: opened and closed in the month, still open at its end. */
import type { Db } from '../../db/client';
import { caseInCentres, type MonthBounds, within } from './period';
import { reportedProcedures } from './procedures';
import type { CaseCountRow } from './types';

type CaseWhere = NonNullable<Parameters<Db['case']['groupBy']>[0]['where']>;

async function countByProcedure(db: Db, where: CaseWhere): Promise<Map<string, number>> {
  const groups = await db.case.groupBy({
    by: ['procedure'],
    where: { procedure: { in: [...reportedProcedures] }, ...where },
    _count: { _all: true },
  });
  return new Map(groups.map((g) => [g.procedure, g._count._all]));
}

export async function caseCounts(db: Db, month: MonthBounds): Promise<CaseCountRow[]> {
  const [opened, closed, open] = await Promise.all([
    countByProcedure(db, { openedAt: within(month), ...caseInCentres(month) }),
    countByProcedure(db, { closedAt: within(month), ...caseInCentres(month) }),
    countByProcedure(db, { openedAt: { lt: month.to }, OR: [{ closedAt: null }, { closedAt: { gte: month.to } }], ...caseInCentres(month) }),
  ]);
  return reportedProcedures.map((procedure) => ({
    procedure,
    opened: opened.get(procedure) ?? 0,
    closed: closed.get(procedure) ?? 0,
    openAtMonthEnd: open.get(procedure) ?? 0,
  }));
}
