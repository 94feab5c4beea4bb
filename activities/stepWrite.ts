/**
 * One write per step (workflows/lib/stepRecord.ts): the audit entries, the case
 * row, the clock events, the domain records and the outbox rows of a step in
 * one transaction (a batch of statements, or an interactive transaction when
 * the key ledger must be read first), then the step's messages delivered and
 * marked sent in one statement. A retry after the commit fails on the step's
 * first audit entry (unique key), writes nothing again and only delivers what
 * is still pending.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Db, Statement, Tx } from '../db/client';
import { Prisma } from '../generated/prisma/client';
import { keyFailure } from '../workflows/keys/keyRegister';
import type { CaseRecord, CaseRowState, ClockEventRecord, ClockEventsWrite, StepWrite } from '../workflows/lib/stepRecord';
import { defaultCentre, stepKey } from '../workflows/lib/stepRecord';
import { archiveLedger } from './archives';
import { isUniqueViolation, keyLedger } from './keys';
import { deliver, deliverPending, type NotificationChannel, type OutgoingMessage } from './notifications';

const date = (iso: string) => new Date(iso);

/** A step write that collides with a row written by another write (not its own earlier attempt): a bug, never retried. */
export const stepWriteConflict = 'StepWriteConflict';

/** The case row's columns for a state, as a new case's row is created with them. */
function rowData(r: CaseRowState) {
  return {
    version: r.version,
    stage: r.stage,
    assignee: r.assignee,
    ...(r.firstReceiver ? { firstReceiver: r.firstReceiver } : {}),
    waitingWho: r.waitingOn?.who ?? null,
    waitingStep: r.waitingOn?.what ?? null,
    waitingDueAt: r.waitingOn?.dueAt ? date(r.waitingOn.dueAt) : null,
    nextDueAt: r.nextDueAt ? date(r.nextDueAt) : null,
    wakeAt: r.wakeAt ? date(r.wakeAt) : null,
    breached: r.breached,
    ...(r.closedAt ? { closedAt: date(r.closedAt), outcome: r.outcome ?? null } : {}),
  };
}

/*
 * The statements every write ends with are plain SQL (the same on SQLite and PostgreSQL;
 * the adapters store dates as the client does): a clock event's write is a handful of them,
 * and the client's query compiler cost more CPU than the database (docs/bench.md).
 */
const nullableDate = (iso: string | null | undefined) => (iso ? date(iso) : null);

/** A quoted column or table name (names written in this file, never input). */
const name = (n: string) => Prisma.raw(`"${n}"`);

/** What an INSERT does with a row whose unique key is on record already: keep it, or set the given columns from the new row. */
interface OnConflict {
  key: string[];
  update?: string[];
}

function conflictClause(o: OnConflict | undefined): Prisma.Sql {
  if (!o) return Prisma.empty;
  const target = Prisma.join(o.key.map(name));
  if (!o.update?.length) return Prisma.sql` ON CONFLICT (${target}) DO NOTHING`;
  return Prisma.sql` ON CONFLICT (${target}) DO UPDATE SET ${Prisma.join(o.update.map((k) => Prisma.sql`${name(k)} = excluded.${name(k)}`))}`;
}

/** Rows of one table in one INSERT; the columns are the first row's keys (every row has the same). */
function insertRows(c: Tx, table: string, rows: Record<string, unknown>[], onConflict?: OnConflict): Statement[] {
  const columns = Object.keys(rows[0] ?? {});
  if (!columns.length) return [];
  const values = rows.map((r) => Prisma.sql`(${Prisma.join(columns.map((k) => r[k]))})`);
  return [c.$executeRaw`INSERT INTO ${name(table)} (${Prisma.join(columns.map(name))}) VALUES ${Prisma.join(values)}${conflictClause(onConflict)}`];
}

/** The case row after the write, only over an older state: the columns a new row is created with, and its update time. */
function rowUpdate(c: Tx, caseId: string, r: CaseRowState): Statement {
  const set = Object.entries({ ...rowData(r), updatedAt: new Date() }).map(([k, v]) => Prisma.sql`${name(k)} = ${v}`);
  return c.$executeRaw`UPDATE "Case" SET ${Prisma.join(set)} WHERE "id" = ${caseId} AND "version" < ${r.version}`;
}

/**
 * The write's duties (each person's inbox line), replacing the case's older ones only when the
 * write's state is the row's: an older write that lands late (its row update refused) leaves
 * none of its own behind.
 */
const dutyStatements = (c: Tx, caseId: string, row: CaseRowState): Statement[] => [
  ...insertRows(c, 'CaseDuty', row.duties.map((d, seq) => ({ caseId, version: row.version, seq, owner: d.owner, step: d.step, dueAt: nullableDate(d.dueAt) }))),
  notTheRowsVersion(c, 'CaseDuty', caseId, row.version),
];

/**
 * A case's rows of `table` (its duties, its inbox lines) that are not of the row's version, once
 * a write at `version` is in: the older ones when this write's state is the row's, else its own.
 */
const notTheRowsVersion = (c: Tx, table: string, caseId: string, version: number): Statement =>
  c.$executeRaw`DELETE FROM ${name(table)} WHERE "caseId" = ${caseId} AND (
    ("version" < ${version} AND (SELECT x."version" FROM "Case" x WHERE x."id" = ${caseId}) = ${version})
    OR ("version" = ${version} AND (SELECT x."version" FROM "Case" x WHERE x."id" = ${caseId}) > ${version}))`;

/**
 * The write's inbox lines (workflows/lib/inbox.ts), replaced like its duties; each line takes the
 * case's centre and opening moment from its row (written first in the same transaction). A line
 * already on record at the same version (the worker's rebuild got there first) is kept. A write
 * scheduled before 0.4.2 carries no lines and leaves the case's as they are.
 */
function inboxStatements(c: Tx, caseId: string, row: CaseRowState): Statement[] {
  if (!row.inbox) return [];
  const fromRow = (column: string) => Prisma.sql`(SELECT x.${name(column)} FROM "Case" x WHERE x."id" = ${caseId})`;
  const values = row.inbox.map((l) => Prisma.sql`(${caseId}, ${row.version}, ${l.role}, ${l.staffId}, ${fromRow('centre')}, ${l.dueAt ? 0 : 1}, ${nullableDate(l.dueAt)}, ${fromRow('openedAt')})`);
  return [
    ...(values.length
      ? [c.$executeRaw`INSERT INTO "InboxEntry" ("caseId", "version", "role", "staffId", "centre", "rank", "dueAt", "openedAt") VALUES ${Prisma.join(values)} ON CONFLICT DO NOTHING`]
      : []),
    notTheRowsVersion(c, 'InboxEntry', caseId, row.version),
  ];
}

const eventRows = (caseId: string, events: ClockEventRecord[]) =>
  events.map((e) => ({ key: e.key, caseId, clock: e.clock, step: e.step, kind: e.kind, at: date(e.at), dueAt: date(e.dueAt), level: e.level ?? null, recipient: e.recipient ?? null, reason: e.reason ?? null }));

/** A message of the write, with when it arose in the case (its outbox row's createdAt). */
type Outgoing = OutgoingMessage & { at: string };

/** The messages of a write's clock events, keyed like the event. */
const eventMessages = (caseId: string, events: ClockEventRecord[]): Outgoing[] =>
  events.filter((e) => e.text && e.recipient).map((e) => ({ key: e.key, caseId, recipient: e.recipient as string, text: e.text as string, at: e.at }));

const outboxRows = (messages: Outgoing[], channel: string) =>
  messages.map((m) => ({ key: m.key, caseId: m.caseId, channel, recipient: m.recipient, text: m.text, status: 'pending', createdAt: date(m.at) }));

/** What the channel is handed: the message without its bookkeeping. */
const sendable = (messages: Outgoing[]): OutgoingMessage[] => messages.map((m) => ({ key: m.key, caseId: m.caseId, recipient: m.recipient, text: m.text }));

/** Records whose write needs no read first, as statements for one batch; null for those that must read (the key ledger). */
function recordStatements(c: Tx, caseId: string, centre: string, at: string, r: CaseRecord): Statement[] | null {
  switch (r.kind) {
    case 'serviceRecord': {
      const fields = {
        ...(r.technician !== undefined ? { technician: r.technician } : {}),
        ...(r.taken ? { takenAt: date(at) } : {}),
        ...(r.appointment ? { appointment: date(r.appointment) } : {}),
        ...(r.completed ? { completedAt: date(at) } : {}),
        ...(r.workDone !== undefined ? { workDone: r.workDone } : {}),
      };
      return insertRows(c, 'ServiceRecord', [{ caseId, fault: r.fault, notifiedAt: date(at), ...fields }], { key: ['caseId'], update: Object.keys(fields) });
    }
    case 'charges':
      // A fee recorded again under the same key (its evidence corrected) keeps the first row.
      return insertRows(c, 'Charge', r.charges.map((ch) => ({ key: ch.key, caseId, kind: ch.kind, item: ch.item, amountFen: ch.amountFen, at: date(at) })), { key: ['key'] });
    case 'returnVisit':
      return insertRows(
        c,
        'ReturnVisit',
        [{ caseId, round: r.round, visitor: r.visitor, satisfied: r.satisfied, rating: r.rating, feeConfirmed: r.feeConfirmed ?? null, problemFound: r.problemFound, note: r.note, at: date(at) }],
        { key: ['caseId', 'round'] },
      );
    case 'ownerFile':
      // Keyed by the step that files it (its case and moment), so a case that files the same paper again keeps both.
      return [archiveLedger(c).file({ centre, unit: r.unit, kind: r.fileKind, ref: r.ref, summary: r.summary, content: r.content, filedAt: date(at), filedBy: `case:${caseId}`, requestKey: `case:${caseId}:${r.fileKind}:${r.ref}:${at}` })];
    case 'archiveAccessGranted':
      return [archiveLedger(c).grant({ caseId, centre, unit: r.unit, grantee: r.grantee, kind: r.access, approvedBy: r.approvedBy, approvedAt: at, expiresAt: r.expiresAt })];
    case 'archiveAccessRevoked':
      return [archiveLedger(c).revoke({ caseId, at })];
    case 'keysEntrusted':
      return keyLedger(c).addEntrusted({ ...r, centre });
    case 'keyLoanPaperwork':
      return [keyLedger(c).completePaperwork({ caseId, borrower: r.borrower, purpose: r.purpose, signatureRef: r.signatureRef, at })];
    case 'keyLoanOpened':
    case 'keyLoanClosed':
    case 'keyReplaced':
      return null;
  }
}

/** What every write ends with: its clock events, its outbox rows, and the case row and its duties after them. */
function clockStatements(c: Tx, caseId: string, events: ClockEventRecord[], messages: Outgoing[], channel: string, row: CaseRowState): Statement[] {
  return [
    ...insertRows(c, 'DeadlineEvent', eventRows(caseId, events)),
    ...insertRows(c, 'Notification', outboxRows(messages, channel)),
    rowUpdate(c, caseId, row),
    ...dutyStatements(c, caseId, row),
    ...inboxStatements(c, caseId, row),
  ];
}

/** The step's first audit entry is on record: the write committed before (this is a retry). */
const alreadyWritten = async (c: Tx, key: string) => (await c.auditEntry.findUnique({ where: { key }, select: { id: true } })) !== null;

/** The key ledger's writes that check the register first (a key already out is refused). */
async function writeWithReads(tx: Tx, caseId: string, centre: string, at: string, r: CaseRecord): Promise<void> {
  switch (r.kind) {
    case 'keyLoanOpened':
      return keyLedger(tx).open({ caseId, keyId: r.keyId, borrower: r.borrower, purpose: r.purpose, signatureRef: r.signatureRef, emergency: r.emergency, loanedAt: at });
    case 'keyLoanClosed':
      return keyLedger(tx).close({ caseId, condition: r.condition, note: r.note, returnedAt: at });
    case 'keyReplaced':
      return keyLedger(tx).replace({ caseId, keyId: r.keyId, kind: r.change, approvedBy: r.approvedBy, at });
    default:
      for (const statement of recordStatements(tx, caseId, centre, at, r) ?? []) await statement;
  }
}

export function createStepActivities(db: Db, channel: NotificationChannel) {
  /** Every statement of a step but the records that must read first. */
  function stepStatements(c: Tx, w: StepWrite, messages: Outgoing[]): Statement[] {
    const o = w.open;
    return [
      ...(o
        ? insertRows(
            c,
            'Case',
            [{ id: w.caseId, procedure: o.procedure, centre: o.centre ?? defaultCentre, workflowId: o.workflowId, unit: o.unit, ownerName: o.ownerName, ownerPhone: o.ownerPhone, summary: o.summary, firstReceiver: o.firstReceiver, openedAt: date(o.openedAt), ...rowData(w.row), updatedAt: new Date() }],
            { key: ['id'] },
          )
        : []),
      // The first entry's key is the write's: a retry after the commit fails here (unique), and nothing is written twice.
      ...insertRows(
        c,
        'AuditEntry',
        w.entries.map((e) => ({ key: stepKey(w.caseId, e.seq), caseId: w.caseId, seq: e.seq, action: e.action, actorId: e.actor.id, actorRole: e.actor.role, stage: e.stage, detail: JSON.stringify(e.detail), at: date(w.at) })),
      ),
      ...clockStatements(c, w.caseId, w.events, messages, channel.name, w.row),
    ];
  }

  return {
    /** One step of a case (or its registration): everything it writes, in one transaction. */
    async recordStep(w: StepWrite): Promise<void> {
      const first = w.entries[0];
      if (!first) throw ApplicationFailure.nonRetryable('a step write without an audit entry', 'InvalidStepWrite');
      const key = stepKey(w.caseId, first.seq);
      const messages = [...eventMessages(w.caseId, w.events), ...w.notices.map((n, i) => ({ key: `${key}:n${i}`, caseId: w.caseId, ...n, at: w.at }))];
      // The centre whose keys and files the records are: the case's (a write from before centres: the default centre).
      const centre = w.centre ?? w.open?.centre ?? defaultCentre;
      const batched = w.records.map((r) => recordStatements(db, w.caseId, centre, w.at, r));
      let retried = false;
      try {
        if (batched.every((b) => b !== null)) {
          // One batch: nothing is read before the writes.
          await db.$transaction([...stepStatements(db, w, messages), ...batched.flatMap((b) => b ?? [])]);
        } else {
          retried = await db.$transaction(async (tx) => {
            // The register is read first; a retry after the commit must not find its own loan and refuse it.
            if (await alreadyWritten(tx, key)) return true;
            for (const r of w.records) await writeWithReads(tx, w.caseId, centre, w.at, r);
            for (const statement of stepStatements(tx, w, messages)) await statement;
            return false;
          });
        }
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (!(await alreadyWritten(db, key))) {
          // Not a retry: another case's loan of the key committed first.
          if (w.records.some((r) => r.kind === 'keyLoanOpened')) throw ApplicationFailure.nonRetryable('钥匙已借出', keyFailure.onLoan);
          // Neither a retry nor a race the ledger knows: a retry would fail the same way for ever, so the step fails now, loudly.
          throw ApplicationFailure.nonRetryable(`步骤写入冲突（${key}）：${String(err).slice(0, 300)}`, stepWriteConflict);
        }
        retried = true;
      }
      if (retried) {
        await deliverPending(db, channel, messages.map((m) => m.key)); // a retry after the commit: only what is still unsent
        return;
      }
      await deliver(db, channel, sendable(messages));
    },

    /** Warnings, pauses, breaches and escalations that fell due with no step, with their notifications and the case row after them. */
    // Not renamed with the clock events: an activity's name is its type in every recorded history.
    async recordDeadlineEvents(w: ClockEventsWrite): Promise<void> {
      const messages = eventMessages(w.caseId, w.events);
      try {
        await db.$transaction(clockStatements(db, w.caseId, w.events, messages, channel.name, w.row));
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        await deliverPending(db, channel, messages.map((m) => m.key)); // a retry after the commit
        return;
      }
      await deliver(db, channel, sendable(messages));
    },
  };
}
