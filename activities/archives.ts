/**
 * Owner files (一户一档, DOMAIN.md §5): approved accesses, the viewing log,
 * the household files themselves and the monthly inventory. Owner data is
 * private: every read of a file's contents goes through `readOwnerFile`, which
 * authorises it and logs it, allowed or refused.
 */
import type { Db, Statement, Tx } from '../db/client';
import { directReaders, type OwnerFileKind, ownerFileKindSchema } from '../workflows/lib/ownerFile';
import type { Actor } from '../workflows/lib/roles';
import { defaultCentre } from '../workflows/lib/stepRecord';
import { isUniqueViolation } from './keys';

export interface GrantInput {
  caseId: string;
  centre: string;
  unit: string;
  grantee: string;
  kind: string;
  approvedBy: string;
  approvedAt: string;
  expiresAt: string;
}

export interface FileEntry {
  kind: string;
  ref: string;
  /** 1 for the first paper of this kind and ref in the household's file, 2 for the next... */
  version: number;
  /** False once a later version of the same paper was filed: the file keeps its history. */
  current: boolean;
  summary: string;
  content: unknown;
  filedAt: string;
  filedBy: string;
}

/** One paper to file: who filed it, and the key that recognises a retry of the same filing. */
export interface FilingInput {
  /** The centre whose household it is: unit numbers repeat from centre to centre. */
  centre: string;
  unit: string;
  kind: OwnerFileKind;
  ref: string;
  summary: string;
  content: unknown;
  filedAt: Date;
  filedBy: string;
  /** The request's Idempotency-Key or request id, or the case step that filed it; never the content. */
  requestKey: string;
}

function filingRow(f: FilingInput) {
  ownerFileKindSchema.parse(f.kind); // only the kinds of DOMAIN.md §5 go into a household's file
  return { centre: f.centre, unit: f.unit, kind: f.kind, ref: f.ref, summary: f.summary, content: JSON.stringify(f.content), filedAt: f.filedAt, filedBy: f.filedBy, requestKey: f.requestKey };
}

/** The household's entries in filing order, each numbered within its kind and ref. */
function withVersions(rows: { kind: string; ref: string; summary: string; content: string; filedAt: Date; filedBy: string }[]): FileEntry[] {
  const seen = new Map<string, number>();
  const last = new Map<string, number>();
  const entries = rows.map((r, i) => {
    const paper = `${r.kind}\u0000${r.ref}`;
    const version = (seen.get(paper) ?? 0) + 1;
    seen.set(paper, version);
    last.set(paper, i);
    return { kind: r.kind, ref: r.ref, version, current: false, summary: r.summary, content: parse(r.content), filedAt: r.filedAt.toISOString(), filedBy: r.filedBy };
  });
  for (const i of last.values()) (entries[i]).current = true;
  return entries;
}

export type ReadDecision = { allowed: true; reason: string } | { allowed: false; reason: string };

export interface InventoryLine {
  unit: string;
  total: number;
  /** Entries per kind, keyed by the kind as stored (an OwnerFileKind). */
  byKind: Partial<Record<string, number>>;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A household: its centre and unit number. */
export interface Household {
  centre: string;
  unit: string;
}

/** Reads of owner files (used by the API): authorised by role or by an approved access, always logged. */
export function ownerFiles(db: Db) {
  async function decide(actor: Actor, { centre, unit }: Household, now: Date): Promise<ReadDecision> {
    if (directReaders.includes(actor.role)) return { allowed: true, reason: `role:${actor.role}` };
    const grant = await db.archiveAccessGrant.findFirst({
      where: { centre, unit, grantee: actor.id, revokedAt: null, expiresAt: { gt: now }, approvedAt: { lte: now } },
      orderBy: { approvedAt: 'desc' },
    });
    if (grant) return { allowed: true, reason: `access:${grant.caseId}` };
    return { allowed: false, reason: 'refused: 无经批准的档案查阅申请' };
  }
  return {
    /** The household's file, or undefined when refused; either way one `ArchiveReadLog` row. */
    async readOwnerFile(actor: Actor, household: Household, now: Date): Promise<{ decision: ReadDecision; entries?: FileEntry[] }> {
      const decision = await decide(actor, household, now);
      await db.archiveReadLog.create({
        data: { actorId: actor.id, actorRole: actor.role, centre: household.centre, unit: household.unit, allowed: decision.allowed, reason: decision.reason, at: now },
      });
      if (!decision.allowed) return { decision };
      // In filing order (the row's id), the order its versions are numbered in, here and in a filing's answer.
      const rows = await db.ownerFileEntry.findMany({ where: { centre: household.centre, unit: household.unit }, orderBy: { id: 'asc' } });
      return { decision, entries: withVersions(rows) };
    },
    /**
     * A paper filed by a staff request (the API): a new row, or, for a retry of the same request
     * (same request key and the same paper), the row it wrote; the same key for another paper is refused.
     */
    async fileByRequest(f: FilingInput): Promise<{ outcome: 'filed' | 'replayed'; version: number } | { outcome: 'keyReused' }> {
      let row;
      let outcome: 'filed' | 'replayed' = 'filed';
      try {
        row = await db.ownerFileEntry.create({ data: filingRow(f) });
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        row = await db.ownerFileEntry.findUniqueOrThrow({ where: { requestKey: f.requestKey } });
        outcome = 'replayed';
      }
      const same = row.centre === f.centre && row.unit === f.unit && row.kind === f.kind && row.ref === f.ref && row.summary === f.summary && row.content === JSON.stringify(f.content);
      if (!same) return { outcome: 'keyReused' };
      const version = await db.ownerFileEntry.count({ where: { centre: row.centre, unit: row.unit, kind: row.kind, ref: row.ref, id: { lte: row.id } } });
      return { outcome, version };
    },
    async readLog({ centre, unit }: Household): Promise<{ actorId: string; actorRole: string; allowed: boolean; reason: string; at: string }[]> {
      const rows = await db.archiveReadLog.findMany({ where: { centre, unit }, orderBy: { id: 'asc' } });
      return rows.map((r) => ({ actorId: r.actorId, actorRole: r.actorRole, allowed: r.allowed, reason: r.reason, at: r.at.toISOString() }));
    },
  };
}

/** The archive's writes, as statements of a step's transaction (activities/stepWrite.ts). */
export function archiveLedger(tx: Tx) {
  return {
    /**
     * A paper into the household's file. A second paper of the same kind and ref is a new
     * version beside the first; only the same request key (a retry) finds the row it wrote.
     */
    file(e: FilingInput): Statement {
      return tx.ownerFileEntry.upsert({
        where: { requestKey: e.requestKey },
        create: filingRow(e),
        update: {},
      });
    },
    /** The supervisor's permission (or the manager's approval) on record; what reads are checked against. */
    grant(g: GrantInput): Statement {
      return tx.archiveAccessGrant.upsert({
        where: { caseId: g.caseId },
        create: { ...g, approvedAt: new Date(g.approvedAt), expiresAt: new Date(g.expiresAt) },
        update: {},
      });
    },
    revoke(r: { caseId: string; at: string }): Statement {
      return tx.archiveAccessGrant.updateMany({ where: { caseId: r.caseId, revokedAt: null }, data: { revokedAt: new Date(r.at) } });
    },
  };
}

export function createArchiveActivities(db: Db) {
  return {
    /** 客户档案资料明细表: what one centre's households had filed in [from, until) (no centre: the default centre, as a run scheduled before centres asks). */
    async ownerFileInventory(p: { from: string; until: string; centre?: string }): Promise<InventoryLine[]> {
      return ownerFileInventoryOf(db, p.centre ?? defaultCentre, new Date(p.from), new Date(p.until));
    },
  };
}

/** What a centre's owner files gained in [from, until), per household and kind (客户档案资料明细表). */
export async function ownerFileInventoryOf(db: Db, centre: string, from: Date, until: Date): Promise<InventoryLine[]> {
  const rows = await db.ownerFileEntry.groupBy({
    by: ['unit', 'kind'],
    where: { centre, filedAt: { gte: from, lt: until } },
    _count: { _all: true },
    orderBy: [{ unit: 'asc' }, { kind: 'asc' }],
  });
  const lines = new Map<string, InventoryLine>();
  for (const r of rows) {
    const line = lines.get(r.unit) ?? { unit: r.unit, total: 0, byKind: {} };
    line.byKind[r.kind] = r._count._all;
    line.total += r._count._all;
    lines.set(r.unit, line);
  }
  return [...lines.values()];
}
