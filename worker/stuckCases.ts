/**
 * A stuck case is never silent. A case whose workflow task keeps failing (a
 * bad value, a bug) takes no more actions and writes nothing more: its case
 * row stops moving. Each case row says when its workflow next acts on its own
 * (`wakeAt`, its next clock event); an open case still waiting well past that
 * moment is a suspect, and its history says whether its workflow task is
 * failing (a task failure after its last completed task). Suspects only are asked, so
 * the check costs nothing while every case is healthy, at any number of cases.
 *
 * Supervisors see the list (`GET /cases/stuck`, and `/readyz`'s detail), and
 * the worker's watch tells them once per stuck run, through the outbox.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../activities/keys';
import { deliver, deliverPending, type NotificationChannel } from '../activities/notifications';

export interface StuckCase {
  caseId: string;
  procedure: string;
  workflowId: string;
  runId: string;
  /** The failing workflow task's attempt (2 = it failed once and was retried), at least. */
  attempt: number;
  /** When the task first failed. */
  since: string | null;
  /** When the case should have acted on its own. */
  wakeAt: string | null;
  /** Why the task fails, as its last recorded failure says. */
  failure: string | null;
}

export interface StuckCheck {
  /** How long past its wake-up moment a case may still be catching up (a busy worker). */
  graceMs?: number;
  /** At most this many suspects are asked about per check (the oldest first). */
  limit?: number;
  /** Only these centres' cases (a centre's supervisor); absent: every centre. */
  centres?: string[];
}

/** The open cases whose workflow task is failing, among those past their wake-up moment. */
export async function findStuckCases(db: Db, client: Client, now: Date, opts: StuckCheck = {}): Promise<StuckCase[]> {
  const graceMs = opts.graceMs ?? 2 * 60_000;
  const suspects = await db.case.findMany({
    where: { closedAt: null, wakeAt: { lt: new Date(now.getTime() - graceMs) }, ...(opts.centres ? { centre: { in: opts.centres } } : {}) },
    orderBy: { wakeAt: 'asc' },
    take: opts.limit ?? 100,
    select: { id: true, procedure: true, workflowId: true, wakeAt: true },
  });
  const stuck: StuckCase[] = [];
  for (const s of suspects) {
    let described;
    let failing;
    try {
      described = await client.workflow.getHandle(s.workflowId).describe();
      if (described.status.name !== 'RUNNING') continue;
      failing = await failingTask(client, s.workflowId, described.raw.pendingWorkflowTask?.attempt ?? 0);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) continue; // gone meanwhile: not stuck
      throw err; // Temporal does not answer: the list would be a lie (the API answers 503)
    }
    if (!failing) continue;
    stuck.push({ caseId: s.id, procedure: s.procedure, workflowId: s.workflowId, runId: described.runId, ...failing, wakeAt: s.wakeAt?.toISOString() ?? null });
  }
  return stuck;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const seconds = (t: { seconds?: unknown } | null | undefined) => (t?.seconds === undefined || t.seconds === null ? undefined : Number(t.seconds));

/**
 * Whether the run's workflow task is failing: a task failure recorded after its last completed task
 * (the first failure is written to history; the server retries and counts later attempts without
 * writing them, and `attempt` is that count when the server reports it).
 */
async function failingTask(client: Client, workflowId: string, attempt: number): Promise<Pick<StuckCase, 'attempt' | 'since' | 'failure'> | undefined> {
  const events: HistoryEvent[] = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  let failed: HistoryEvent | undefined;
  let failures = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i];
    if (e.workflowTaskCompletedEventAttributes) break;
    if (e.workflowTaskFailedEventAttributes) {
      failures++;
      failed = e;
    }
  }
  if (!failed) return undefined;
  const at = seconds(failed.eventTime);
  return {
    attempt: Math.max(attempt, failures + 1),
    since: at === undefined ? null : new Date(at * 1000).toISOString(),
    failure: failed.workflowTaskFailedEventAttributes?.failure?.message?.slice(0, 300) ?? null,
  };
}

/** The supervisors' message about a stuck case, once per run (its key): the outbox refuses a second. */
export async function tellSupervisorsOnce(db: Db, channel: NotificationChannel, stuck: StuckCase[]): Promise<number> {
  let told = 0;
  for (const s of stuck) {
    const key = `stuck:${s.workflowId}:${s.runId}`;
    const text = `【工单停滞】${s.caseId} 的流程任务持续失败（第 ${s.attempt} 次），工单不会再推进、不会再提醒，请联系系统管理员处理。`;
    try {
      // The outbox row first: its key is what makes it once, across checks and worker processes.
      await db.notification.create({ data: { key, caseId: s.caseId, channel: channel.name, recipient: 'role:supervisor', text, status: 'pending', createdAt: new Date() } });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Told before: only a message that did not go out (the channel failed, the process died) is sent again.
      await deliverPending(db, channel, [key]);
      continue;
    }
    await deliver(db, channel, [{ key, caseId: s.caseId, recipient: 'role:supervisor', text }]);
    told++;
  }
  return told;
}

/** The worker's watch: every `everyMs`, find stuck cases and tell the supervisors once. Returns a stop function. */
export function watchStuckCases(db: Db, client: Client, channel: NotificationChannel, everyMs = 60_000, log: (e: Record<string, unknown>) => void = () => undefined): () => void {
  let running = false;
  const check = async () => {
    if (running) return;
    running = true;
    try {
      const stuck = await findStuckCases(db, client, new Date());
      const told = await tellSupervisorsOnce(db, channel, stuck);
      if (stuck.length) log({ level: 'warn', msg: 'stuck cases', cases: stuck.map((s) => s.caseId), told });
    } catch (err) {
      log({ level: 'warn', msg: 'stuck-case check failed', error: err instanceof Error ? err.message : String(err) });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
