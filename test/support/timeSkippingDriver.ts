/**
 * The scenario driver over the Java time-skipping test server: every time skip
 * and every staff action of a scenario goes through it, so that no action can
 * reach a case while one of its timers is about to fire.
 *
 * Why: the test server (1.38.0) refuses a workflow-task completion that cancels
 * a timer which fired while the task was with the worker ("invalid history
 * builder state for action") and never offers the task again, so the case
 * hangs (temporalio/sdk-java #2606, #3088). Between skips the server's clock
 * runs at real pace, and a case's clock board cancels and re-arms its timer
 * on every staff action: an action sent just as a timer comes due strands it.
 *
 * What it does:
 * - **Settle.** After every skip, and before every action, it waits (real time)
 *   until the cases of the current scenario have no workflow task, activity or
 *   child start outstanding, read from their histories (the latest run, so a
 *   case that continued as new is followed; children started by a case are
 *   watched with it).
 * - **Guard.** Before an action it reads the target case's pending timers; if
 *   one fires within {@link guardMs} of the server's clock, it skips on past
 *   that timer (and settles again) before sending the action. The same check
 *   follows every skip, so what a scenario reads after a skip is not about to
 *   change under it.
 * - **Results without unlocking.** Its client is a plain client: `result()`
 *   long-polls in real time and never unlocks time skipping (the testing
 *   client's `result()` lets the server jump to the case's execution timeout,
 *   years ahead). {@link resultOf} settles first and fails at once, naming the
 *   case, if it is still running.
 * - **Clock sanity.** If the server's clock is ever more than a year past where
 *   the scenario put it, the next driver call (and the test's end) throws.
 * - **One at a time.** Skips and action guards run in turn, so actions sent side
 *   by side (the API's batch reassignment) never guard against a moving clock.
 *
 * Limits it imposes on scenarios:
 * - A scenario cannot act on a case, or look at it right after a skip, within
 *   {@link guardMs} before one of that case's timers fires: the driver moves
 *   the clock just past that timer first. Due times are asserted with
 *   `expectSameInstant` (to the second) or from the case's own records, never
 *   from a "now" read before an action.
 * - Only calls made through this driver's client (scenarios and the API under
 *   test) are guarded; workflows of earlier scenarios in the same file are not
 *   settled (nothing acts on them any more).
 * - A case whose activity keeps failing never settles: the driver fails after
 *   {@link settleTimeoutMs} naming the outstanding work, rather than hang; a
 *   skip that does not end within {@link skipTimeoutMs} (the server holds its
 *   clock while any task is outstanding) fails naming what each case, and the
 *   run it continued from, still has outstanding.
 * - Time moves only forward, by skips; a skip is at most a year.
 */
import { payloadDataConverter } from '../../worker/payloadCodec';
import { Client, isGrpcServiceError, type WorkflowClientInterceptor } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';

const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** An action is not sent, and a skip does not stop, this close before a timer of the case fires. */
export const guardMs = 5_000;
/** How long a case may take to settle, in real time, before the driver calls it stuck. */
export const settleTimeoutMs = 45_000;
/** How long one skip may take, in real time, before the driver says what holds the server's clock. */
export const skipTimeoutMs = 45_000;
const YEAR = 365 * 86_400_000;
const grpcNotFound = 5;

/** What a case's latest run is waiting for, read from its history. */
export interface CaseActivity {
  closed: boolean;
  /** Outstanding work: a workflow task, activities, child starts. Empty once settled, and for a closed run. */
  outstanding: string[];
  /** The run ended by continuing as new: the case goes on in a new run. */
  continuedAsNew: boolean;
  /** Work a closed run left unfinished when it closed (an activity scheduled in its last task): never done. */
  abandoned: string[];
  /** When each pending timer fires (server time, ms). */
  timers: number[];
  /** Workflow ids of children the case started. */
  children: string[];
  /** Event id of the outstanding workflow task's start, if one is with a worker. */
  taskStartedAt?: number;
}

const ms = (d: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  d ? Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6) : 0;

/** The events that end an activity, and the attributes naming the activity they end. */
const activityEnds: Partial<Record<number, 'activityTaskCompletedEventAttributes' | 'activityTaskFailedEventAttributes' | 'activityTaskTimedOutEventAttributes' | 'activityTaskCanceledEventAttributes'>> = {
  [EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED]: 'activityTaskCompletedEventAttributes',
  [EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED]: 'activityTaskFailedEventAttributes',
  [EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT]: 'activityTaskTimedOutEventAttributes',
  [EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED]: 'activityTaskCanceledEventAttributes',
};

/** Reads outstanding work and pending timers from one run's history. */
export function caseActivityOf(events: HistoryEvent[]): CaseActivity {
  let task: 'none' | 'scheduled' | 'started' | 'failed' = 'none';
  let taskStartedAt: number | undefined;
  const activities = new Map<string, string>();
  const timers = new Map<string, number>();
  const childStarts = new Set<string>();
  const children = new Set<string>();
  let closed = false;
  let continuedAsNew = false;
  for (const e of events) {
    switch (e.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        task = 'scheduled';
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        task = 'started';
        taskStartedAt = ms(e.eventTime);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        task = 'none';
        taskStartedAt = undefined;
        break;
      // A failed or timed-out task is retried; the retry may not be in the history until it completes.
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        task = 'failed';
        taskStartedAt = undefined;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        activities.set(String(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity');
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const a = e.timerStartedEventAttributes;
        timers.set(a?.timerId ?? '', ms(e.eventTime) + ms(a?.startToFireTimeout));
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED:
        timers.delete(e.timerFiredEventAttributes?.timerId ?? '');
        break;
      case EventType.EVENT_TYPE_TIMER_CANCELED:
        timers.delete(e.timerCanceledEventAttributes?.timerId ?? '');
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        childStarts.add(String(e.eventId));
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
        childStarts.delete(String(e.startChildWorkflowExecutionFailedEventAttributes?.initiatedEventId));
        break;
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
        const a = e.childWorkflowExecutionStartedEventAttributes;
        childStarts.delete(String(a?.initiatedEventId));
        if (a?.workflowExecution?.workflowId) children.add(a.workflowExecution.workflowId);
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        closed = true;
        continuedAsNew = e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
        break;
      default: {
        const ended = activityEnds[e.eventType ?? 0];
        if (ended) activities.delete(String(e[ended]?.scheduledEventId));
        break;
      }
    }
  }
  const unfinished = [
    ...(task === 'none' ? [] : [task === 'failed' ? 'workflow task (retrying after a failure)' : `workflow task (${task})`]),
    ...[...activities.values()].map((name) => `activity ${name}`),
    ...[...childStarts].map(() => 'child workflow start'),
  ];
  return {
    closed,
    continuedAsNew,
    outstanding: closed ? [] : unfinished,
    abandoned: closed ? unfinished : [],
    timers: closed ? [] : [...timers.values()],
    children: [...children],
    taskStartedAt,
  };
}

let current: TimeSkippingDriver | undefined;

/** What a closed case (or one that does not exist) has to settle: nothing. */
const ended: CaseActivity = { closed: true, continuedAsNew: false, outstanding: [], abandoned: [], timers: [], children: [] };

/** The driver of this test file's time-skipping system (jest gives each file its own modules). */
export function scenarioDriver(): TimeSkippingDriver {
  if (!current) throw new Error('no time-skipping system is running in this test file');
  return current;
}

export class TimeSkippingDriver {
  /** The client scenarios and the API under test use: every action through it is guarded. */
  readonly client: Client;
  private readonly namespace: string;
  /** Cases of the current scenario (and their children). */
  private watched = new Set<string>();
  /** Cases seen closed: they never have anything outstanding again. */
  private readonly closed = new Set<string>();
  private readonly abandoned = new Set<string>();
  /** Where the scenario last put the server's clock (ms). */
  private placedAt = 0;
  /** Skips and action guards run one at a time (the API sends a batch's actions side by side). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly env: TestWorkflowEnvironment) {
    this.namespace = env.namespace ?? 'default';
    this.client = new Client({ connection: env.connection, namespace: this.namespace, dataConverter: payloadDataConverter(), interceptors: { workflow: [this.interceptor()] } });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- registers this driver as the file's one running driver (scenarioDriver()), not an alias for a closure
    current = this;
  }

  /**
   * A finished case's result, read without unlocking time skipping: the case
   * is settled first, and a case still running fails at once (a result that
   * needs time to pass is a skip the scenario must make itself).
   */
  async resultOf<T>(h: { workflowId: string; describe(): Promise<{ status: { name: string } }>; result(): Promise<T> }): Promise<T> {
    await this.settle(h.workflowId);
    const { status } = await h.describe();
    if (status.name === 'RUNNING') throw new Error(`${h.workflowId} is still running: it has no result yet`);
    return h.result();
  }

  /** A new scenario: earlier cases are no longer settled; the clock is where it is now. */
  async beginScenario(): Promise<void> {
    this.watched = new Set();
    await this.checkClock();
    this.placedAt = Math.max(this.placedAt, await this.env.currentTimeMs());
  }

  currentTimeMs(): Promise<number> {
    return this.env.currentTimeMs();
  }

  /** Skip the server's clock forward by `durationMs`, then let the scenario's cases settle (see the class comment). */
  sleep(durationMs: number): Promise<void> {
    if (!(durationMs >= 0 && durationMs <= YEAR)) return Promise.reject(new Error(`a scenario skips between 0 and a year, not ${durationMs} ms`));
    return this.inTurn(async () => {
      await this.checkClock();
      await this.settleAll();
      const target = (await this.env.currentTimeMs()) + durationMs;
      this.placedAt = Math.max(this.placedAt, target);
      if (durationMs > 0) await this.skip(durationMs);
      // Until one whole pass skips nothing: skipping past one case's timer can bring another's within the guard.
      for (let moved = true; moved; ) {
        moved = false;
        for (const id of [...this.watched]) moved = (await this.clearOfTimers(id)) || moved;
      }
    });
  }

  /** Runs `f` after every skip and guard before it has finished. */
  private inTurn<T>(f: () => Promise<T>): Promise<T> {
    const run = this.turn.then(f, f);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** A case the scenario poisons on purpose (its workflow task keeps failing): it is no longer waited on. */
  abandon(workflowId: string): void {
    this.abandoned.add(workflowId);
    this.watched.delete(workflowId);
  }

  /** Waits until every case of the scenario has nothing outstanding. */
  async settleAll(): Promise<void> {
    for (const id of [...this.watched]) await this.settle(id);
  }

  /**
   * Waits until the case (its latest run) and the children it started have no
   * workflow task, activity or child start outstanding; returns the case's own state.
   */
  async settle(workflowId: string): Promise<CaseActivity> {
    if (this.closed.has(workflowId) || this.abandoned.has(workflowId)) return ended;
    const until = Date.now() + settleTimeoutMs;
    for (;;) {
      const events = await this.history(workflowId);
      // A case that does not exist (an API test acting on an unknown receipt number) has nothing to settle.
      if (events === undefined) return ended;
      const state = caseActivityOf(events);
      // A run read just as it continued as new: the case goes on; read its new run.
      if (state.continuedAsNew) {
        if (Date.now() > until) throw new Error(`${workflowId}: its new run did not appear within ${settleTimeoutMs / 1000} s of continue-as-new`);
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      if (state.closed) this.closed.add(workflowId);
      for (const child of state.children) this.watched.add(child);
      if (state.outstanding.length === 0) {
        for (const child of state.children) await this.settle(child);
        return state;
      }
      if (Date.now() > until) throw new Error(await this.stuckReport(workflowId, state));
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Settles the case, and moves the clock on past any of its timers due within the guard window; true if it moved the clock. */
  private async clearOfTimers(workflowId: string): Promise<boolean> {
    for (let round = 0; ; round++) {
      const state = await this.settle(workflowId);
      const now = await this.env.currentTimeMs();
      const soon = state.timers.filter((t) => t - now < guardMs);
      if (soon.length === 0) return round > 0;
      if (round > 100) throw new Error(`${workflowId}: a timer keeps falling due within ${guardMs} ms (a timer loop?)`);
      const past = Math.max(1, Math.max(...soon) + 1 - now);
      this.placedAt = Math.max(this.placedAt, now + past);
      await this.skip(past);
      await this.settleAll();
    }
  }

  /** Before anything reaches a case: the clock is sane, the case settled and clear of timers. */
  beforeAction(workflowId: string): Promise<void> {
    this.watched.add(workflowId);
    return this.inTurn(async () => {
      await this.checkClock();
      await this.clearOfTimers(workflowId);
    });
  }

  /** For a scenario that moved the clock itself (through the raw test environment): the clock is where it meant it to be. */
  async placeClockHere(): Promise<void> {
    this.placedAt = await this.env.currentTimeMs();
  }

  /** Throws if the server's clock is more than a year past where the scenario put it. */
  async checkClock(): Promise<void> {
    const now = await this.env.currentTimeMs();
    if (this.placedAt && now - this.placedAt > YEAR) {
      throw new Error(
        `the test server's clock is at ${new Date(now).toISOString()}, more than a year past where the scenario put it ` +
          `(${new Date(this.placedAt).toISOString()}): something unlocked time skipping (the testing client's result()?)`,
      );
    }
  }

  /**
   * One skip on the server. The server moves its clock only while no workflow
   * task or activity is outstanding; a skip that does not end names what each
   * case (and the run it continued from) still has outstanding.
   */
  private async skip(durationMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const plain = `a skip of ${durationMs} ms did not end within ${skipTimeoutMs / 1000} s: something holds the test server's clock`;
        const fallback = new Promise<string>((r) => setTimeout(() => r(`${plain} (the server did not answer for a report)`), 5_000));
        void Promise.race([this.stallReport(durationMs), fallback]).then((m) => reject(new Error(m)), () => reject(new Error(plain)));
      }, skipTimeoutMs);
    });
    try {
      await Promise.race([this.env.sleep(durationMs), stalled]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async stallReport(durationMs: number): Promise<string> {
    const lines: string[] = [];
    for (const id of this.watched) {
      const events = (await this.history(id)) ?? [];
      const latest = caseActivityOf(events);
      lines.push(`${id}: ${[...latest.outstanding, ...latest.abandoned.map((w) => `${w} (abandoned when it closed)`)].join(', ') || 'nothing outstanding'}`);
      const previous = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      if (previous) {
        const before = caseActivityOf((await this.history(id, previous)) ?? []);
        lines.push(`${id} (the run it continued from, ${previous}): ${before.abandoned.map((w) => `${w} (abandoned when it continued as new)`).join(', ') || 'nothing left behind'}`);
      }
    }
    return (
      `a skip of ${durationMs} ms did not end within ${skipTimeoutMs / 1000} s (server time ${new Date(await this.env.currentTimeMs()).toISOString()}): ` +
      `something holds the test server's clock. A workflow task that was with the worker when a timer fired is stranded by the test server (sdk-java #2606). ${lines.join('; ')}`
    );
  }

  /** A run's history (the latest run unless `runId`); undefined if there is no such workflow. */
  private async history(workflowId: string, runId?: string): Promise<HistoryEvent[] | undefined> {
    const events: HistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    try {
      do {
        const page = await this.client.workflowService.getWorkflowExecutionHistory({
          namespace: this.namespace,
          execution: { workflowId, runId },
          nextPageToken,
        });
        events.push(...(page.history?.events ?? []));
        nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
      } while (nextPageToken);
    } catch (err) {
      if (isGrpcServiceError(err) && (err.code as number) === grpcNotFound) return undefined;
      throw err;
    }
    return events;
  }

  private async stuckReport(workflowId: string, state: CaseActivity): Promise<string> {
    const now = await this.env.currentTimeMs();
    const stranded =
      state.taskStartedAt !== undefined && state.outstanding[0]?.startsWith('workflow task')
        ? ` A workflow task has been with a worker since ${new Date(state.taskStartedAt).toISOString()} (server time ${new Date(now).toISOString()}):` +
          ' if a timer fired meanwhile, this is the test server refusing its cancel (sdk-java #2606).'
        : '';
    return `${workflowId} did not settle within ${settleTimeoutMs / 1000} s; outstanding: ${state.outstanding.join(', ')}.${stranded}`;
  }

  private interceptor(): WorkflowClientInterceptor {
    return {
      startWithDetails: async (input, next) => {
        this.watched.add(input.options.workflowId);
        this.closed.delete(input.options.workflowId);
        await this.checkClock();
        return next(input);
      },
      startUpdateWithStart: async (input, next) => {
        this.watched.add(input.workflowStartOptions.workflowId);
        this.closed.delete(input.workflowStartOptions.workflowId);
        await this.checkClock();
        return next(input);
      },
      startUpdate: async (input, next) => {
        await this.beforeAction(input.workflowExecution.workflowId);
        return next(input);
      },
      signal: async (input, next) => {
        await this.beforeAction(input.workflowExecution.workflowId);
        return next(input);
      },
      cancel: async (input, next) => {
        await this.beforeAction(input.workflowExecution.workflowId);
        return next(input);
      },
    };
  }
}

/** What a scenario holds: the guarded client, skips that settle, the server's clock. */
export type ScenarioEnv = TimeSkippingDriver;

/** Skip the server's clock forward to `at` (which must lie ahead). */
export async function clockTo(env: ScenarioEnv, at: Date): Promise<void> {
  const now = await env.currentTimeMs();
  if (at.getTime() < now) throw new Error(`test clock is already past ${at.toISOString()}`);
  if (at.getTime() > now) await env.sleep(at.getTime() - now);
}

/** The first instant at or after the server's current time that is `weekday` (0=Sun) at HH:MM local. */
export async function nextLocal(env: ScenarioEnv, weekday: number, hhmm: string): Promise<Date> {
  const now = await env.currentTimeMs();
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const localNow = new Date(now + 8 * 3600_000);
  for (let d = 0; d < 15; d++) {
    const day = new Date(Date.UTC(localNow.getUTCFullYear(), localNow.getUTCMonth(), localNow.getUTCDate() + d, h, m));
    const instant = new Date(day.getTime() - 8 * 3600_000);
    if (day.getUTCDay() === weekday && instant.getTime() > now) return instant;
  }
  throw new Error('unreachable');
}
