/**
 * The key cabinet (DOMAIN.md §4): the register, the loan ledger (钥匙借用台账) and
 * approved register changes. Writes are keyed by the case, so a retried
 * activity finds its own row and does nothing twice. A key can be on one open
 * loan only: `KeyLoan.openKeyId` is unique and set while the loan is open.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Db, Statement, Tx } from '../db/client';
import { keyFailure, keyIdOf, type KeyRecord, type KeyStatus } from '../workflows/keys/keyRegister';
import { defaultCentre } from '../workflows/lib/stepRecord';

export interface AddKeyInput {
  centre: string;
  unit: string;
  part: string;
  label: string;
  sealed: boolean;
  addedBy: string;
}

export interface OpenKeyLoanInput {
  caseId: string;
  keyId: string;
  borrower: string;
  purpose: string;
  signatureRef?: string;
  emergency?: string;
  loanedAt: string;
}

export interface CloseKeyLoanInput {
  caseId: string;
  condition: 'complete' | 'damaged' | 'lost';
  note: string;
  returnedAt: string;
}

export interface KeyAuditFinding {
  keyId: string;
  unit: string;
  part: string;
  status: KeyStatus;
  problem: 'onLoanWithoutLoan' | 'lost' | 'loanWithoutOnLoan';
}

export interface KeyAuditReport {
  keys: number;
  byStatus: Record<string, number>;
  loansInWeek: number;
  emergencyLoansInWeek: number;
  returnedDamagedOrLost: number;
  openLoans: { caseId: string; keyId: string; borrower: string; loanedAt: string }[];
  missing: KeyAuditFinding[];
  /** Every key of the register, for the physical check (since 0.4.0). */
  register?: { keyId: string; unit: string; part: string; status: KeyStatus }[];
}

type Row = { id: string; centre: string; unit: string; part: string; label: string; status: string; holder: string | null; copies: number };
const plain = (k: Row): KeyRecord => ({ id: k.id, centre: k.centre, unit: k.unit, part: k.part, label: k.label, status: k.status as KeyStatus, holder: k.holder, copies: k.copies });

/** Unique constraint violated (Prisma P2002, through either driver adapter). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'P2002' || /unique constraint/i.test(e?.message ?? '');
}

/** Register reads and the one register write staff make directly (adding a key); used by the API. */
export function keyRegister(db: Db) {
  return {
    /** Adds a key to its centre's cabinet; an existing key for the same unit and part is returned as it is. */
    async addKey(k: AddKeyInput): Promise<{ key: KeyRecord; created: boolean }> {
      const id = keyIdOf(k.centre, k.unit, k.part);
      const existing = await db.key.findUnique({ where: { id } });
      if (existing) return { key: plain(existing), created: false };
      try {
        const row = await db.key.create({
          data: { id, centre: k.centre, unit: k.unit, part: k.part, label: k.label, status: k.sealed ? 'sealed' : 'inCabinet', addedBy: k.addedBy },
        });
        return { key: plain(row), created: true };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        return { key: plain(await db.key.findUniqueOrThrow({ where: { id } })), created: false };
      }
    },
    async findKey(id: string): Promise<KeyRecord | undefined> {
      const row = await db.key.findUnique({ where: { id } });
      return row ? plain(row) : undefined;
    },
    async listKeys(centre: string, unit: string): Promise<KeyRecord[]> {
      return (await db.key.findMany({ where: { centre, unit }, orderBy: { part: 'asc' } })).map(plain);
    },
    async openLoanOf(keyId: string): Promise<{ caseId: string; borrower: string } | undefined> {
      const loan = await db.keyLoan.findUnique({ where: { openKeyId: keyId } });
      return loan ? { caseId: loan.caseId, borrower: loan.borrower } : undefined;
    },
  };
}

/**
 * The ledger's writes, inside a step's transaction (activities/stepWrite.ts):
 * statements where nothing is read first, and the writes that check the
 * register (a refused loan throws a non-retryable failure, so nothing of the
 * step is written).
 */
export function keyLedger(tx: Tx) {
  return {
    /** Keys an owner leaves with the centre at move-in: into its cabinet; a key already in the register stays as it is. */
    addEntrusted(k: { centre: string; unit: string; keys: { part: string; label: string }[]; addedBy: string }): Statement[] {
      return k.keys.map((key) => {
        const id = keyIdOf(k.centre, k.unit, key.part);
        return tx.key.upsert({ where: { id }, create: { id, centre: k.centre, unit: k.unit, part: key.part, label: key.label, status: 'inCabinet', addedBy: k.addedBy }, update: {} });
      });
    },

    /** The ledger entry and the key going out, together; a second open loan of the key is refused. */
    async open(l: OpenKeyLoanInput): Promise<void> {
      const key = await tx.key.findUnique({ where: { id: l.keyId } });
      if (!key) throw ApplicationFailure.nonRetryable(`钥匙 ${l.keyId} 不在登记册中`, keyFailure.notFound);
      if (key.status === 'onLoan') throw ApplicationFailure.nonRetryable(`钥匙 ${l.keyId} 已借出`, keyFailure.onLoan);
      if (key.status !== 'inCabinet' && key.status !== 'sealed') {
        throw ApplicationFailure.nonRetryable(`钥匙 ${l.keyId} 状态为 ${key.status}，不能借出`, keyFailure.unavailable);
      }
      await tx.keyLoan.create({
        data: {
          caseId: l.caseId,
          keyId: l.keyId,
          openKeyId: l.keyId,
          borrower: l.borrower,
          purpose: l.purpose,
          signatureRef: l.signatureRef ?? null,
          emergency: l.emergency ?? null,
          previousStatus: key.status,
          loanedAt: new Date(l.loanedAt),
          paperworkAt: l.signatureRef ? new Date(l.loanedAt) : null,
        },
      });
      await tx.key.update({ where: { id: l.keyId }, data: { status: 'onLoan', holder: l.borrower } });
    },

    /** An emergency loan's paperwork, completed afterwards: borrower, purpose and signature. */
    completePaperwork(p: { caseId: string; borrower: string; purpose: string; signatureRef: string; at: string }): Statement {
      return tx.keyLoan.update({
        where: { caseId: p.caseId },
        data: { borrower: p.borrower, purpose: p.purpose, signatureRef: p.signatureRef, paperworkAt: new Date(p.at) },
      });
    },

    /** The key back (complete: to where it was; damaged or lost: so marked), the ledger entry closed. */
    async close(r: CloseKeyLoanInput): Promise<void> {
      const loan = await tx.keyLoan.findUniqueOrThrow({ where: { caseId: r.caseId } });
      if (loan.returnedAt) return;
      await tx.keyLoan.update({
        where: { caseId: r.caseId },
        data: { openKeyId: null, returnedAt: new Date(r.returnedAt), condition: r.condition, note: r.note },
      });
      const status = r.condition === 'complete' ? loan.previousStatus : r.condition;
      await tx.key.update({ where: { id: loan.keyId }, data: { status, holder: null } });
    },

    /** The only path that changes the register's key itself: an approved duplication or replacement. */
    async replace(c: { caseId: string; keyId: string; kind: 'duplicate' | 'replace'; approvedBy: string; at: string }): Promise<void> {
      const key = await tx.key.findUniqueOrThrow({ where: { id: c.keyId } });
      if (await tx.keyRegisterChange.findUnique({ where: { caseId: c.caseId } })) return;
      // A replaced key goes into the cabinet; a key out on loan stays out (the copy joins it later).
      const toStatus = c.kind === 'replace' && (key.status === 'lost' || key.status === 'damaged') ? 'inCabinet' : key.status;
      await tx.keyRegisterChange.create({
        data: { caseId: c.caseId, keyId: c.keyId, kind: c.kind, fromStatus: key.status, toStatus, approvedBy: c.approvedBy, at: new Date(c.at) },
      });
      await tx.key.update({ where: { id: c.keyId }, data: { status: toStatus, ...(c.kind === 'duplicate' ? { copies: { increment: 1 } } : {}) } });
    },
  };
}

export function createKeyActivities(db: Db) {
  return {
    /**
     * 每周钥匙盘点: one centre's register against its open loans, and the week's usage
     * (no centre: the default centre, as a run scheduled before centres asks).
     */
    async keyAudit(w: { since: string; until: string; centre?: string }): Promise<KeyAuditReport> {
      const centre = w.centre ?? defaultCentre;
      const [keys, open, week] = await Promise.all([
        db.key.findMany({ where: { centre }, orderBy: { id: 'asc' } }),
        db.keyLoan.findMany({ where: { openKeyId: { not: null }, key: { centre } }, orderBy: { loanedAt: 'asc' } }),
        db.keyLoan.findMany({ where: { loanedAt: { gte: new Date(w.since), lt: new Date(w.until) }, key: { centre } } }),
      ]);
      const openByKey = new Map(open.map((l) => [l.keyId, l]));
      const byStatus: Record<string, number> = {};
      const missing: KeyAuditFinding[] = [];
      for (const k of keys) {
        byStatus[k.status] = (byStatus[k.status] ?? 0) + 1;
        const base = { keyId: k.id, unit: k.unit, part: k.part, status: k.status as KeyStatus };
        if (k.status === 'onLoan' && !openByKey.has(k.id)) missing.push({ ...base, problem: 'onLoanWithoutLoan' });
        if (k.status === 'lost') missing.push({ ...base, problem: 'lost' });
        if (k.status !== 'onLoan' && openByKey.has(k.id)) missing.push({ ...base, problem: 'loanWithoutOnLoan' });
      }
      return {
        keys: keys.length,
        byStatus,
        loansInWeek: week.length,
        emergencyLoansInWeek: week.filter((l) => l.emergency).length,
        returnedDamagedOrLost: week.filter((l) => l.condition === 'damaged' || l.condition === 'lost').length,
        openLoans: open.map((l) => ({ caseId: l.caseId, keyId: l.keyId, borrower: l.borrower, loanedAt: l.loanedAt.toISOString() })),
        missing,
        register: keys.map((k) => ({ keyId: k.id, unit: k.unit, part: k.part, status: k.status as KeyStatus })),
      };
    },
  };
}
