/**
 * Scenario helpers: put the test server's clock at a named local time, open a
 * repair case as the front desk would, act as staff, read what was persisted.
 */
import { randomUUID } from 'node:crypto';
import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Db } from '../../db/client';
import { calendarConfigSchema, type CalendarConfig } from '../../workflows/lib/calendar';
import type { Actor } from '../../workflows/lib/roles';
import {
  type RepairInput,
  type RepairAction,
  type RepairActionInput,
  repairState,
  repairUpdates,
  repairWorkflowId,
  type RepairView,
} from '../../workflows/repair/repair.messages';
import type { repairRequest } from '../../workflows/repair/repairRequest';
import { taskQueue } from './temporal';
import { scenarioDriver } from './timeSkippingDriver';
import type { ScenarioEnv } from './timeSkippingDriver';

export { clockTo, nextLocal } from './timeSkippingDriver';

/** '2026-11-27T16:00' read as Asia/Shanghai local time. */
export const local = (isoLocal: string): Date => new Date(`${isoLocal}:00+08:00`);

export const csr: Actor = { id: 'csr-li', role: 'csr' };
export const supervisor: Actor = { id: 'sup-wang', role: 'supervisor' };
export const technician: Actor = { id: 'tech-zhao', role: 'technician' };
export const technician2: Actor = { id: 'tech-qian', role: 'technician' };

/** Calendar of the tests: the default rules, with the holidays each scenario needs. */
export function testCalendar(extra: Partial<CalendarConfig> = {}): CalendarConfig {
  return calendarConfigSchema.parse({ holidays: [], makeUpWorkdays: [], ...extra });
}

/** Local date 'YYYY-MM-DD' of an instant plus `days`. */
export function localDate(at: Date, days = 0): string {
  return new Date(at.getTime() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

export const fridayLocal = 5;
export const mondayLocal = 1;

export type RepairHandle = WorkflowHandle<typeof repairRequest>;

type RepairOpts = { calendar?: CalendarConfig; paid?: RepairInput['paid']; warnAt?: number[]; continueAsNewAfterEvents?: number; receivedBy?: Actor; returnVisits?: RepairInput['returnVisits'] };

/** Start options of a repair case as the front desk registers it. */
export function repairStart(opts: RepairOpts = {}) {
  const caseId = `T${randomUUID().slice(0, 8)}`;
  return {
    taskQueue,
    // A loaded test machine can take more than the default 10 s over a workflow task.
    workflowTaskTimeout: '1 minute' as const,
    workflowId: repairWorkflowId(caseId),
    args: [
      {
        caseId,
        unit: '3-2-1101',
        ownerName: '张先生',
        ownerPhone: '13800000000',
        fault: '厨房水龙头漏水',
        channel: 'phone' as const,
        paid: opts.paid ?? { kind: 'free' as const },
        receivedBy: opts.receivedBy ?? csr,
        calendar: opts.calendar ?? testCalendar(),
        warnAt: opts.warnAt,
        continueAsNewAfterEvents: opts.continueAsNewAfterEvents,
        returnVisits: opts.returnVisits,
      },
    ] as [RepairInput],
  };
}

export async function openRepair(env: ScenarioEnv, opts: RepairOpts = {}): Promise<RepairHandle> {
  return env.client.workflow.start('repairRequest', repairStart(opts)) as Promise<RepairHandle>;
}

/** A repair registered, its service record filled and engineering notified by the csr: waiting for a technician. */
export async function openDispatchedRepair(env: ScenarioEnv, opts: RepairOpts = {}): Promise<RepairHandle> {
  const h = await openRepair(env, opts);
  await act(h, 'fillServiceRecord', opts.receivedBy ?? csr, {});
  return h;
}

export function act<A extends RepairAction>(
  handle: RepairHandle,
  action: A,
  actor: Actor,
  input: RepairActionInput<A> | Record<string, unknown>,
): Promise<RepairView> {
  return handle.executeUpdate(repairUpdates[action], { args: [{ actor, input }] });
}

export const stateOf = (handle: RepairHandle): Promise<RepairView> => handle.query(repairState);

export const caseIdOf = (handle: RepairHandle): string => handle.workflowId.replace(/^repair-/, '');

/**
 * The test server's clock moves on in real time while a test talks to it, so an
 * instant computed from "now" may lie a few milliseconds after the scenario's
 * round time: equal to the second.
 */
export function expectSameInstant(actual: Date | string | undefined, expected: Date): void {
  expect(actual).toBeDefined();
  const ms = new Date(actual as string).getTime();
  expect(Math.abs(ms - expected.getTime())).toBeLessThan(1_000);
}

/** Waits (real time, briefly) until `probe` returns something truthy: activities run after timers fire. */
export async function eventually<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function clockEvents(db: Db, caseId: string, clock?: string) {
  return db.deadlineEvent.findMany({ where: { caseId, ...(clock ? { clock } : {}) }, orderBy: { id: 'asc' } });
}

export const HOUR = 3600_000;
export const MINUTE = 60_000;

/** The clock events of a clock, once at least `count` of `kind` are persisted. */
export function eventsUntil(db: Db, caseId: string, clock: string, kind: string, count = 1) {
  return eventually(async () => {
    const events = await clockEvents(db, caseId, clock);
    return events.filter((e) => e.kind === kind).length >= count ? events : undefined;
  });
}

/** The failure type a rejected action carries (Forbidden, InvalidStage, InvalidInput), or undefined if accepted. */
export async function rejectionOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return (err.cause as { type?: string } | undefined)?.type;
    throw err;
  }
  return undefined;
}

/** A finished case's result, read without unlocking time skipping (see the scenario driver). */
export function resultOf<T>(h: { workflowId: string; describe(): Promise<{ status: { name: string } }>; result(): Promise<T> }): Promise<T> {
  return scenarioDriver().resultOf(h);
}
