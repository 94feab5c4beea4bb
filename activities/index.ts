/**
 * Activities: everything that touches the database or the outside world.
 * Built by a factory from their dependencies (the worker passes the real ones).
 * Every write is keyed, so a retried activity never writes a record twice.
 */
import type { Db } from '../db/client';
import type { StepActor } from '../workflows/lib/roles';
import type { OwnerFileKind } from '../workflows/lib/ownerFile';
import { createArchiveActivities, ownerArchive } from './archives';
import { createKeyActivities } from './keys';
import { deliverPending, type NotificationChannel } from './notifications';

export interface OpenCaseInput {
  caseId: string;
  procedure: string;
  workflowId: string;
  unit: string;
  ownerName: string;
  ownerPhone: string;
  summary: string;
  stage: string;
  firstReceiver: string;
  openedAt: string;
}

export interface StepInput {
  caseId: string;
  seq: number;
  action: string;
  actor: StepActor;
  stage: string;
  assignee: string | null;
  detail: Record<string, unknown>;
  at: string;
  notices: { recipient: string; text: string }[];
  closedAt?: string;
  outcome?: string;
  /** The case changed hands: its first-responsible person is now this one. */
  firstReceiver?: string;
}

export interface DeadlineEventInput {
  key: string;
  clock: string;
  step: string;
  kind: string;
  at: string;
  dueAt: string;
  level?: number;
  recipient?: string;
  reason?: string;
  text?: string;
}

/**
 * Every record of when something happened in a case carries the workflow's own
 * time (`at`, ISO), never the worker machine's: the case's records then agree
 * with its deadline events, in production and under time skipping.
 */
export interface ServiceRecordInput {
  caseId: string;
  fault: string;
  /** When this write happened in the case; the record's notifiedAt when it creates it (engineering notified). */
  at: string;
  technician?: string;
  takenAt?: string;
  appointment?: string;
  completedAt?: string;
  workDone?: string;
}

export interface ChargeInput {
  key: string;
  /** Repairs: quote | labour | material; move-in fees: moveIn:<fee item>. */
  kind: 'quote' | 'labour' | 'material' | `moveIn:${string}`;
  /** What it is for (a move-in fee: the fee and its receipt number). */
  item: string;
  amountFen: number;
}

export interface ReturnVisitInput {
  caseId: string;
  at: string;
  round: number;
  visitor: string;
  satisfied: boolean;
  rating: number;
  feeConfirmed?: boolean;
  problemFound: boolean;
  note: string;
}

export interface OwnerFileInput {
  unit: string;
  kind: OwnerFileKind;
  ref: string;
  summary: string;
  content: unknown;
  filedAt: string;
}

const date = (iso: string) => new Date(iso);
/** An activity scheduled by a workflow version that did not pass its time yet: the worker's clock, as it was then. */
const caseTime = (iso: string | undefined) => (iso ? date(iso) : new Date());

export function createActivities(db: Db, channel: NotificationChannel) {
  return {
    ...createKeyActivities(db),
    ...createArchiveActivities(db),

    /** Messages that belong to no case (weekly audit, monthly filing): outbox rows keyed, then delivery. */
    async sendNotices(input: { key: string; notices: { recipient: string; text: string }[] }): Promise<void> {
      const keys = input.notices.map((_, i) => `${input.key}:n${i}`);
      await db.$transaction(async (tx) => {
        for (const [i, n] of input.notices.entries()) {
          await tx.notification.upsert({
            where: { key: keys[i] as string },
            create: { key: keys[i] as string, caseId: null, channel: channel.name, recipient: n.recipient, text: n.text, status: 'pending' },
            update: {},
          });
        }
      });
      await deliverPending(db, channel, keys);
    },

    /** 1. Registration: the case row (a retry finds it there and leaves it). */
    async openCase(c: OpenCaseInput): Promise<void> {
      await db.case.upsert({
        where: { id: c.caseId },
        create: {
          id: c.caseId,
          procedure: c.procedure,
          workflowId: c.workflowId,
          unit: c.unit,
          ownerName: c.ownerName,
          ownerPhone: c.ownerPhone,
          summary: c.summary,
          stage: c.stage,
          firstReceiver: c.firstReceiver,
          openedAt: date(c.openedAt),
        },
        update: {},
      });
    },

    /** One step of a procedure: audit entry, case row and outbox rows together, then delivery. */
    async recordStep(s: StepInput): Promise<void> {
      const auditKey = `${s.caseId}#${s.seq}`;
      const noticeKeys = s.notices.map((_, i) => `${auditKey}:n${i}`);
      await db.$transaction(async (tx) => {
        const existing = await tx.auditEntry.findUnique({ where: { key: auditKey } });
        if (existing) return; // a retry after the commit: everything below is already written
        await tx.auditEntry.create({
          data: {
            key: auditKey,
            caseId: s.caseId,
            seq: s.seq,
            action: s.action,
            actorId: s.actor.id,
            actorRole: s.actor.role,
            stage: s.stage,
            detail: JSON.stringify(s.detail),
            at: date(s.at),
          },
        });
        await tx.case.update({
          where: { id: s.caseId },
          data: {
            stage: s.stage,
            assignee: s.assignee,
            ...(s.firstReceiver ? { firstReceiver: s.firstReceiver } : {}),
            ...(s.closedAt ? { closedAt: date(s.closedAt), outcome: s.outcome } : {}),
          },
        });
        for (const [i, n] of s.notices.entries()) {
          await tx.notification.create({
            data: { key: noticeKeys[i] as string, caseId: s.caseId, channel: channel.name, recipient: n.recipient, text: n.text, status: 'pending', createdAt: date(s.at) },
          });
        }
      });
      await deliverPending(db, channel, noticeKeys);
    },

    /** Warnings, pauses, breaches and escalations of deadline clocks, with their notifications. */
    async recordDeadlineEvents(input: {
      caseId: string;
      events: DeadlineEventInput[];
      nextDueAt: string | null;
      breached: boolean;
    }): Promise<void> {
      const withText = input.events.filter((e) => e.text && e.recipient);
      await db.$transaction(async (tx) => {
        for (const e of input.events) {
          await tx.deadlineEvent.upsert({
            where: { key: e.key },
            create: {
              key: e.key,
              caseId: input.caseId,
              clock: e.clock,
              step: e.step,
              kind: e.kind,
              at: date(e.at),
              dueAt: date(e.dueAt),
              level: e.level ?? null,
              recipient: e.recipient ?? null,
              reason: e.reason ?? null,
            },
            update: {},
          });
        }
        for (const e of withText) {
          await tx.notification.upsert({
            where: { key: e.key },
            create: { key: e.key, caseId: input.caseId, channel: channel.name, recipient: e.recipient as string, text: e.text as string, status: 'pending', createdAt: date(e.at) },
            update: {},
          });
        }
        await tx.case.update({
          where: { id: input.caseId },
          data: { nextDueAt: input.nextDueAt ? date(input.nextDueAt) : null, breached: input.breached },
        });
      });
      await deliverPending(db, channel, withText.map((e) => e.key));
    },

    /** 服务记录表: created at dispatch, completed as the job goes on. */
    async recordServiceRecord(r: ServiceRecordInput): Promise<void> {
      const fields = {
        ...(r.technician !== undefined ? { technician: r.technician } : {}),
        ...(r.takenAt ? { takenAt: date(r.takenAt) } : {}),
        ...(r.appointment ? { appointment: date(r.appointment) } : {}),
        ...(r.completedAt ? { completedAt: date(r.completedAt) } : {}),
        ...(r.workDone !== undefined ? { workDone: r.workDone } : {}),
      };
      await db.serviceRecord.upsert({
        where: { caseId: r.caseId },
        create: { caseId: r.caseId, fault: r.fault, notifiedAt: caseTime(r.at), ...fields },
        update: fields,
      });
    },

    async recordCharges(input: { caseId: string; at: string; charges: ChargeInput[] }): Promise<void> {
      await db.$transaction(async (tx) => {
        for (const c of input.charges) {
          await tx.charge.upsert({
            where: { key: c.key },
            create: { key: c.key, caseId: input.caseId, kind: c.kind, item: c.item, amountFen: c.amountFen, at: caseTime(input.at) },
            update: {},
          });
        }
      });
    },

    async recordReturnVisit(v: ReturnVisitInput): Promise<void> {
      await db.returnVisit.upsert({
        where: { caseId_round: { caseId: v.caseId, round: v.round } },
        create: {
          caseId: v.caseId,
          round: v.round,
          visitor: v.visitor,
          satisfied: v.satisfied,
          rating: v.rating,
          feeConfirmed: v.feeConfirmed ?? null,
          problemFound: v.problemFound,
          note: v.note,
          at: caseTime(v.at),
        },
        update: {},
      });
    },

    /** 一户一档: the closed case's record goes into the household's file. */
    async fileToOwnerArchive(e: OwnerFileInput): Promise<void> {
      await ownerArchive(db).file({ ...e, filedAt: caseTime(e.filedAt) });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { NotificationChannel } from './notifications';
