/**
 * The inbox lines of every open case, built again from the case rows and their
 * duties when the rules they were built under are not this code's (a new or
 * changed action table, a new inbox rule, a database from before 0.4.2). The
 * worker runs it at its start; each case's later writes keep its lines
 * themselves (activities/stepWrite.ts).
 */
import type { Db } from '../db/client';
import { Prisma } from '../generated/prisma/client';
import type { ActionTable } from '../workflows/lib/actions';
import { inboxLines, inboxRulesFingerprint } from '../workflows/lib/inbox';
import { procedureActionTables } from '../workflows/registry';

const batchSize = 500;
const rulesRow = 1;

/**
 * Rebuilds the lines unless they were built under the same rules (or `force`). Safe beside
 * running cases: a batch replaces its cases' lines at their rows' versions, and a line older than
 * its row (a step committed meanwhile) is dropped; a step's own write keeps a line already there.
 */
export async function rebuildInbox(db: Db, opts: { force?: boolean; tables?: Record<string, ActionTable> } = {}): Promise<{ rebuilt: boolean; cases: number }> {
  const tables: Record<string, ActionTable> = opts.tables ?? procedureActionTables;
  const fingerprint = inboxRulesFingerprint(tables);
  const onRecord = await db.inboxRules.findUnique({ where: { id: rulesRow } });
  if (!opts.force && onRecord?.fingerprint === fingerprint) return { rebuilt: false, cases: 0 };
  // A case closed by a write that carried no lines (scheduled before 0.4.2) keeps none.
  await db.$executeRaw`DELETE FROM "InboxEntry" WHERE "caseId" IN (SELECT x."id" FROM "Case" x WHERE x."closedAt" IS NOT NULL)`;
  let cases = 0;
  let after = '';
  for (;;) {
    const rows = await db.case.findMany({
      where: { closedAt: null, id: { gt: after } },
      orderBy: { id: 'asc' },
      take: batchSize,
      select: { id: true, procedure: true, centre: true, stage: true, assignee: true, firstReceiver: true, breached: true, waitingDueAt: true, nextDueAt: true, version: true, openedAt: true, duties: { select: { version: true, owner: true, step: true, dueAt: true } } },
    });
    if (!rows.length) break;
    after = rows[rows.length - 1]?.id ?? after;
    const values = rows.flatMap((r) => {
      const actions = tables[r.procedure];
      if (!actions) return []; // a procedure this code does not know has no inbox
      const duties = r.duties.filter((d) => d.version === r.version).map((d) => ({ owner: d.owner, step: d.step, ...(d.dueAt ? { dueAt: d.dueAt.toISOString() } : {}) }));
      const lines = inboxLines(actions, {
        stage: r.stage,
        assignee: r.assignee,
        firstReceiver: r.firstReceiver,
        breached: r.breached,
        closed: false,
        duties,
        waitingDueAt: r.waitingDueAt?.toISOString() ?? null,
        nextDueAt: r.nextDueAt?.toISOString() ?? null,
      });
      return lines.map((l) => Prisma.sql`(${r.id}, ${r.version}, ${l.role}, ${l.staffId}, ${r.centre}, ${l.dueAt ? 0 : 1}, ${l.dueAt ? new Date(l.dueAt) : null}, ${r.openedAt})`);
    });
    const ids = rows.map((r) => r.id);
    // The lines at or before the version read (a step's newer lines, committed meanwhile, stay).
    const asRead = rows.map((r) => Prisma.sql`("caseId" = ${r.id} AND "version" <= ${r.version})`);
    await db.$transaction([
      db.$executeRaw`DELETE FROM "InboxEntry" WHERE ${Prisma.join(asRead, ' OR ')}`,
      ...(values.length
        ? [db.$executeRaw`INSERT INTO "InboxEntry" ("caseId", "version", "role", "staffId", "centre", "rank", "dueAt", "openedAt") VALUES ${Prisma.join(values)} ON CONFLICT DO NOTHING`]
        : []),
      // A case written since its row was read keeps only its newer lines.
      db.$executeRaw`DELETE FROM "InboxEntry" WHERE "caseId" IN (${Prisma.join(ids)}) AND "version" < (SELECT x."version" FROM "Case" x WHERE x."id" = "InboxEntry"."caseId")`,
    ]);
    cases += rows.length;
  }
  const builtAt = new Date();
  await db.inboxRules.upsert({ where: { id: rulesRow }, create: { id: rulesRow, fingerprint, builtAt }, update: { fingerprint, builtAt } });
  return { rebuilt: true, cases };
}
