/**
 * What the database holds about a case, as plain objects (Prisma types stay
 * here). Rows are written by the workflow's activities, so a case that was
 * just opened may take a moment to appear.
 */
import type { Db } from '../db/client';

export interface CaseStep {
  seq: number;
  action: string;
  actor: { id: string; role: string };
  stage: string;
  detail: unknown;
  at: string;
}

export interface CaseClockEvent {
  clock: string;
  step: string;
  kind: string;
  at: string;
  dueAt: string | null;
  level: number | null;
  recipient: string | null;
  reason: string | null;
}

export interface CaseRecord {
  caseId: string;
  procedure: string;
  unit: string;
  ownerName: string;
  summary: string;
  stage: string;
  assignee: string | null;
  firstReceiver: string;
  breached: boolean;
  nextDueAt: string | null;
  openedAt: string;
  closedAt: string | null;
  outcome: string | null;
  steps: CaseStep[];
  /** The case's clock events (the field keeps its public name). */
  deadlines: CaseClockEvent[];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function parseDetail(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The case row with its audit trail (by seq) and clock events (by time), or undefined. */
export async function findCaseRecord(db: Db, procedure: string, caseId: string): Promise<CaseRecord | undefined> {
  const row = await db.case.findFirst({ where: { id: caseId, procedure } });
  if (!row) return undefined;
  const [audit, clockEvents] = await Promise.all([
    db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } }),
    db.deadlineEvent.findMany({ where: { caseId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] }),
  ]);
  return {
    caseId: row.id,
    procedure: row.procedure,
    unit: row.unit,
    ownerName: row.ownerName,
    summary: row.summary,
    stage: row.stage,
    assignee: row.assignee,
    firstReceiver: row.firstReceiver,
    breached: row.breached,
    nextDueAt: iso(row.nextDueAt),
    openedAt: row.openedAt.toISOString(),
    closedAt: iso(row.closedAt),
    outcome: row.outcome,
    steps: audit.map((a) => ({
      seq: a.seq,
      action: a.action,
      actor: { id: a.actorId, role: a.actorRole },
      stage: a.stage,
      detail: parseDetail(a.detail),
      at: a.at.toISOString(),
    })),
    deadlines: clockEvents.map((e) => ({
      clock: e.clock,
      step: e.step,
      kind: e.kind,
      at: e.at.toISOString(),
      dueAt: iso(e.dueAt),
      level: e.level,
      recipient: e.recipient,
      reason: e.reason,
    })),
  };
}
