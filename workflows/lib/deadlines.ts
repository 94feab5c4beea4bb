/**
 * The deadline board of one case: several clocks at once, one background
 * runner that sleeps until the next warning/breach/escalation (a single timer,
 * re-armed only when a clock changes), and every event persisted and notified
 * through one activity call. Shared by every procedure.
 */
import { condition, patched } from '@temporalio/workflow';
import type { BusinessCalendar } from './calendar';
import {
  type ClockEvent,
  type ClockSpec,
  type ClockState,
  collectDue,
  isActive,
  nextClockEventAt,
  pauseClock,
  reassignClock,
  resumeClock,
  startClock,
  stopClock,
} from './clock';
import type { Recipient } from './roles';
import { deadlineEventText } from './texts';
import { workflowNow } from './time';
import { recordActivities } from './recordActivities';

const { recordDeadlineEvents } = recordActivities;

/** Changes to the board's code path since it shipped, each behind `patched(id)` so earlier histories replay. */
export const boardPatches = {
  /**
   * 2026-12-01: a flush collects what is due and waits for the runner's batch in flight, so
   * continue-as-new no longer abandons that batch (its warnings, breaches and escalations were
   * lost); a closing case records what fell due before its clocks are stopped.
   */
  flushWaitsForBatchInFlight: 'board-flush-waits-for-batch-in-flight',
} as const;

export interface DeadlineBoardSnapshot {
  clocks: ClockState[];
  started: Record<string, number>;
}

export interface ClockView {
  name: string;
  step: string;
  owner: string;
  status: ClockState['status'];
  /** A clock that counts from a later instant (the next business day). */
  startsAt?: string;
  dueAt?: string;
  breached: boolean;
  pauseReason?: string;
  resumeAt?: string;
}

export class DeadlineBoard {
  private readonly clocks = new Map<string, ClockState>();
  private readonly started: Record<string, number>;
  private queue: ClockEvent[] = [];
  private version = 0;
  /** Batches handed to the record activity and not yet on record. */
  private inFlight = 0;

  constructor(
    private readonly cal: BusinessCalendar,
    private readonly caseId: string,
    private readonly caseLabel: string,
    /** Called after events are persisted, so the case can refresh its search attributes. */
    private readonly onChange: () => void,
    snapshot?: DeadlineBoardSnapshot,
  ) {
    this.started = { ...(snapshot?.started ?? {}) };
    for (const c of snapshot?.clocks ?? []) this.clocks.set(c.spec.name, c);
  }

  snapshot(): DeadlineBoardSnapshot {
    return { clocks: [...this.clocks.values()], started: { ...this.started } };
  }

  /** Start (or restart) a clock now, or counting from another instant (`from`). */
  start(spec: ClockSpec, from?: Date): void {
    this.stop(spec.name, 'cancelled', '重新计时');
    const n = (this.started[spec.name] = (this.started[spec.name] ?? 0) + 1);
    const now = workflowNow();
    const { state, events } = startClock(this.cal, `${this.caseId}:${spec.name}#${n}`, spec, now, from?.getTime());
    this.clocks.set(spec.name, state);
    this.push(events);
  }

  /** Pause while the case waits on the owner; `until` resumes it by itself. */
  pause(name: string, reason: string, until?: Date): void {
    const c = this.clocks.get(name);
    if (c) this.push(pauseClock(this.cal, c, workflowNow(), reason, until?.getTime()));
  }

  resume(name: string): void {
    const c = this.clocks.get(name);
    if (c) this.push(resumeClock(this.cal, c, workflowNow()));
  }

  stop(name: string, outcome: 'met' | 'cancelled' = 'met', reason?: string): void {
    const c = this.clocks.get(name);
    if (c && isActive(c)) this.push(stopClock(this.cal, c, workflowNow(), outcome, reason));
  }

  /** Stop every clock still running: the case has ended. */
  stopAll(reason: string): void {
    for (const name of this.clocks.keys()) this.stop(name, 'cancelled', reason);
  }

  /**
   * Every active clock owned by `from` is owned by `to` from now on (the owner
   * lives in each clock's spec, so a snapshot carries it over unchanged in
   * format). Returns the names of the clocks that changed hands.
   */
  reassignOwner(from: Recipient, to: Recipient): string[] {
    // Timing is unchanged, so the runner's timer stays as it is (no wake-up, no new timer).
    return [...this.clocks.values()].filter((c) => reassignClock(c, from, to)).map((c) => c.spec.name);
  }

  /** True if an active clock is owned by `owner`. */
  hasActiveOwnedBy(owner: Recipient): boolean {
    return [...this.clocks.values()].some((c) => isActive(c) && c.spec.owner === owner);
  }

  isBreached(name: string): boolean {
    const c = this.clocks.get(name);
    return c !== undefined && isActive(c) && c.breached;
  }

  isRunning(name: string): boolean {
    const c = this.clocks.get(name);
    return c !== undefined && isActive(c);
  }

  dueAt(name: string): Date | undefined {
    const due = this.clocks.get(name)?.dueAt;
    return due === undefined ? undefined : new Date(due);
  }

  /** The soonest due time among active clocks (for the NextDue search attribute and inbox). */
  nextDue(): Date | undefined {
    const dues = [...this.clocks.values()]
      .filter((c) => c.status === 'running' && c.dueAt !== undefined)
      .map((c) => c.dueAt as number);
    return dues.length ? new Date(Math.min(...dues)) : undefined;
  }

  /** True once any clock of the case has been breached. */
  everBreached(): boolean {
    return [...this.clocks.values()].some((c) => c.breached);
  }

  view(): ClockView[] {
    return [...this.clocks.values()].map((c) => ({
      name: c.spec.name,
      step: c.spec.step,
      owner: c.spec.owner,
      status: c.status,
      startsAt: c.runningSince !== undefined && c.runningSince > c.startedAt ? new Date(c.runningSince).toISOString() : undefined,
      dueAt: c.dueAt === undefined ? undefined : new Date(c.dueAt).toISOString(),
      breached: c.breached,
      pauseReason: c.pauseReason,
      resumeAt: c.resumeAt === undefined ? undefined : new Date(c.resumeAt).toISOString(),
    }));
  }

  hasPendingEvents(): boolean {
    return this.queue.length > 0;
  }

  /**
   * Runs for the life of the case: persists queued events, then sleeps until the
   * next clock event or a change, whichever comes first. No polling: a paused or
   * idle board waits on one condition without a timer.
   */
  async run(done: () => boolean): Promise<void> {
    for (;;) {
      await this.flush();
      if (done()) return;
      const seen = this.version;
      const next = this.nextEventAt();
      const changed = () => this.version !== seen || this.queue.length > 0 || done();
      if (next === undefined) await condition(changed);
      else await condition(changed, Math.max(1, next - workflowNow()));
      this.collectDueNow();
    }
  }

  /**
   * Persist every event due so far, and wait for any batch already on its way
   * (the runner's): when this returns, every event up to now is on record.
   * Called before the case closes and before it continues as new, which would
   * otherwise carry on clocks whose due events were collected but never
   * written (the runner's batch abandoned with the old run).
   */
  async flush(): Promise<void> {
    const whole = patched(boardPatches.flushWaitsForBatchInFlight);
    for (;;) {
      if (whole) this.collectDueNow();
      if (this.queue.length > 0) await this.recordQueued();
      else if (whole && this.inFlight > 0) await condition(() => this.inFlight === 0 || this.queue.length > 0);
      else return;
    }
  }

  /** Every event due by now and not collected yet (the runner's work on waking; a flush's and a closing case's too). */
  collectDueNow(): void {
    const now = workflowNow();
    for (const c of this.clocks.values()) {
      const due = collectDue(this.cal, c, now);
      if (due.length) this.push(due);
    }
  }

  private async recordQueued(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.inFlight += 1;
    try {
      await recordDeadlineEvents({
        caseId: this.caseId,
        events: batch.map((e) => ({
          key: e.key,
          clock: e.clock,
          step: e.step,
          kind: e.kind,
          at: new Date(e.at).toISOString(),
          dueAt: new Date(e.dueAt).toISOString(),
          level: e.level,
          recipient: e.recipient,
          reason: e.reason,
          text: e.recipient ? deadlineEventText(this.caseLabel, e, this.cal) : undefined,
        })),
        nextDueAt: this.nextDue()?.toISOString() ?? null,
        breached: this.everBreached(),
      });
    } finally {
      this.inFlight -= 1;
    }
    this.onChange();
  }

  private nextEventAt(): number | undefined {
    const times = [...this.clocks.values()]
      .map((c) => nextClockEventAt(this.cal, c))
      .filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }

  private push(events: ClockEvent[]): void {
    this.version += 1;
    this.queue.push(...events);
  }
}
