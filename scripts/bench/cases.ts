/**
 * One repair case on each path the bench compares: the no-op skeleton (the cost
 * of Temporal itself), the bare Temporal client (the workflow and its step
 * writes) and the HTTP API (the same calls through the staff API), each call timed.
 */
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { Client, ServiceError, WithStartWorkflowOperation } from '@temporalio/client';
import { caseOpened } from '../../workflows/lib/actions';
import { type ApiServer } from '../../api/server';
import { caseStartOperation, newCaseId } from '../../api/caseStart';
import { BusinessCalendar, type CalendarConfig } from '../../workflows/lib/calendar';
import type { Actor } from '../../workflows/lib/roles';
import { type OpenRepair, type RepairInput, repairState, repairUpdates, repairWorkflowId, type RepairView, repairContract } from '../../workflows/repair/repair.messages';
import type { repairRequest } from '../../workflows/repair/repairRequest';
import { skeletonOpened, skeletonUpdates } from './skeleton';
import type { benchSkeleton } from './skeleton';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type Step = 'open' | 'fillServiceRecord' | 'respondToOwner' | 'takeJob' | 'reportCompletion' | 'recordReturnVisit';
export const steps: Step[] = ['open', 'fillServiceRecord', 'respondToOwner', 'takeJob', 'reportCompletion', 'recordReturnVisit'];
export type PathName = 'skeleton' | 'bare' | 'api';
export const paths: PathName[] = ['skeleton', 'bare', 'api'];
export const pathLabels: Record<PathName, string> = { skeleton: 'no-op skeleton', bare: 'bare client', api: 'HTTP API' };

export const csr: Actor = { id: 'csr-bench', role: 'csr' };
export const technician: Actor = { id: 'tech-bench', role: 'technician' };

/** What the front desk types in (the POST /repairs body). */
export const registration = {
  unit: '3-2-1101',
  ownerName: '张先生',
  ownerPhone: '13800000000',
  fault: '厨房水龙头漏水',
  channel: 'phone',
} as const;

/** The raw action bodies, as a client sends them over HTTP. */
export const actionBodies = {
  fillServiceRecord: {},
  respondToOwner: { channel: 'phone', note: '已回电，师傅马上到' },
  takeJob: {},
  reportCompletion: { workDone: '更换阀芯', charges: [{ kind: 'labour', item: '人工', amountFen: 3000 }] },
  recordReturnVisit: { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false },
} as const;
export type ActionStep = keyof typeof actionBodies;
export const actionSteps: ActionStep[] = ['fillServiceRecord', 'respondToOwner', 'takeJob', 'reportCompletion', 'recordReturnVisit'];
export const actorOf: Record<ActionStep, Actor> = {
  fillServiceRecord: csr,
  respondToOwner: csr,
  takeJob: technician,
  reportCompletion: technician,
  recordReturnVisit: csr,
};

export interface Ctx {
  client: Client;
  api: ApiServer;
  calendar: CalendarConfig;
  taskQueue: string;
  /** The registration as the API has it after validation (defaults applied), parsed once. */
  openInput: OpenRepair;
  /** Each action's input as the API passes it to the update (parsed, defaults applied). */
  actionInputs: Record<ActionStep, unknown>;
  /** Unexpected errors the API logged (500s), by request path. */
  apiErrors: Map<string, Record<string, unknown>>;
  /** Actions retried after the early-update failure (see `earlyUpdateFailure`), per path: calls, failed attempts. */
  retried: Record<PathName, { calls: number; attempts: number; first?: string }>;
  /** No retries: the first failure fails the run. */
  strict: boolean;
  /** Bearer tokens of the bench's staff (issued like `npm run staff:add`). */
  tokens: Map<string, string>;
  /** Wait (untimed, through the client) until the workflow has run its first task before the first action. */
  settle: boolean;
  /** The skeleton's step is a regular activity, not a local one (--remote-skeleton). */
  remoteSkeleton: boolean;
}

/**
 * A regression guard. An update that reached the workflow in its first workflow
 * task (the case opened a moment before) used to fail that task: repairRequest's
 * update handlers read `registered` before its `let` declaration had run
 * (temporal dead zone) when the SDK dispatched the buffered update from
 * `setHandler` (fixed in ef54d74). The client got a ServiceError "Workflow
 * Update failed" (gRPC FAILED_PRECONDITION "Workflow Task in failed state"; over
 * HTTP a 500 Internal), and the server refused updates until a later workflow
 * task attempt completed, 10-20 s later. Should it come back, the bench retries
 * such an action with backoff (the retries count in its latency) and reports
 * how often it happened; --strict fails instead, --settle avoids the race.
 */
export const earlyUpdateFailure = 'Workflow Update failed';

export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; details?: unknown; message?: unknown } | undefined;
  return cause ? `${err.name}: ${err.message} (cause: code ${String(cause.code)}, ${String(cause.details ?? cause.message)})` : `${err.name}: ${err.message}`;
}

export async function withRetry<T>(ctx: Ctx, path: PathName, fn: () => Promise<T>, isEarlyUpdateFailure: (err: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (process.env['BENCH_DEBUG']) console.error(`debug ${performance.now().toFixed(0)} attempt ${attempt}: ${describe(err)}`);
      if (ctx.strict || attempt >= 12 || !isEarlyUpdateFailure(err)) throw err;
      const r = ctx.retried[path];
      if (attempt === 1) r.calls++;
      r.attempts++;
      r.first ??= describe(err);
      // The server refuses updates until a later workflow task attempt completes.
      await sleep(Math.min(100 * 2 ** (attempt - 1), 2_000));
    }
  }
}

export interface CaseTimes {
  latency: Partial<Record<Step, number>>;
  /** From the last action's reply to the workflow's result (not an action). */
  resultWait: number;
  /** --settle: from the open call's reply until the workflow answered a query (not an action). */
  settleWait?: number;
}

/**
 * --settle: the first action waits until the workflow has completed its first
 * workflow task, as it would with a person in the loop (the case is opened, the
 * owner called back later). A query answers only after that task completed.
 */
export async function settle(ctx: Ctx, caseId: string, times: CaseTimes): Promise<void> {
  if (!ctx.settle) return;
  const t0 = performance.now();
  const handle = ctx.client.workflow.getHandle(repairWorkflowId(caseId));
  for (;;) {
    try {
      await handle.query(repairState);
      break;
    } catch (err) {
      if (process.env['BENCH_DEBUG']) console.error(`debug settle: ${describe(err)}`);
      if (performance.now() - t0 > 30_000) throw err;
      await sleep(10);
    }
  }
  times.settleWait = performance.now() - t0;
}

export async function timed<T>(times: CaseTimes, step: Step, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const value = await fn();
  times.latency[step] = performance.now() - t0;
  return value;
}

export async function awaitClosed(ctx: Ctx, caseId: string, times: CaseTimes): Promise<void> {
  const t0 = performance.now();
  const outcome = await ctx.client.workflow.getHandle<typeof repairRequest>(repairWorkflowId(caseId)).result();
  times.resultWait = performance.now() - t0;
  if (outcome.outcome !== 'closed') throw new Error(`case ${caseId} ended ${outcome.outcome}, expected closed`);
}

export function expectStage(view: RepairView, step: ActionStep, caseId: string): void {
  const expected: Record<ActionStep, RepairView['stage']> = {
    fillServiceRecord: 'dispatching',
    respondToOwner: 'dispatching',
    takeJob: 'inProgress',
    reportCompletion: 'awaitingReturnVisit',
    recordReturnVisit: 'closed',
  };
  if (view.stage !== expected[step]) throw new Error(`case ${caseId}: after ${step} the stage is ${view.stage}, expected ${expected[step]}`);
}

/** The baseline: the no-op skeleton with the same updates and one activity per step (scripts/bench/skeleton.ts). */
export async function skeletonCase(ctx: Ctx): Promise<CaseTimes> {
  const times: CaseTimes = { latency: {}, resultWait: 0 };
  const caseId = newCaseId(repairContract.prefix, new BusinessCalendar(ctx.calendar), new Date());
  // Opened as the procedures open: one update-with-start answered once registration is on record.
  const start = new WithStartWorkflowOperation<typeof benchSkeleton>('benchSkeleton', {
    taskQueue: ctx.taskQueue,
    workflowId: `skeleton-${caseId}`,
    workflowIdConflictPolicy: 'FAIL',
    args: [{ caseId, remote: ctx.remoteSkeleton }],
  });
  await timed(times, 'open', () => ctx.client.workflow.executeUpdateWithStart(skeletonOpened, { startWorkflowOperation: start }));
  const handle = await start.workflowHandle();
  for (const step of actionSteps) {
    await timed(times, step, () => handle.executeUpdate(skeletonUpdates[step], { args: [{ actor: actorOf[step], input: ctx.actionInputs[step] }] }));
  }
  const t0 = performance.now();
  await handle.result();
  times.resultWait = performance.now() - t0;
  return times;
}

/** The bare client: the same open call as the API's openRepairCase (update-with-start), then the updates. */
export async function bareCase(ctx: Ctx): Promise<CaseTimes> {
  const times: CaseTimes = { latency: {}, resultWait: 0 };
  const now = new Date();
  const cal = new BusinessCalendar(ctx.calendar);
  const caseId = newCaseId(repairContract.prefix, cal, now);
  const input = ctx.openInput;
  // As the API opens it (the same start operation): one update-with-start that answers once registration is on record.
  const start = caseStartOperation({ taskQueue: ctx.taskQueue, cal, now, contract: repairContract }, { ...input, paid: { kind: 'free' }, caseId, receivedBy: csr, calendar: ctx.calendar } satisfies RepairInput, 'FAIL');
  await timed(times, 'open', () => ctx.client.workflow.executeUpdateWithStart(caseOpened, { startWorkflowOperation: start }));
  const handle = await start.workflowHandle();
  await settle(ctx, caseId, times);
  for (const step of actionSteps) {
    const view = await timed(times, step, () =>
      withRetry(
        ctx,
        'bare',
        () => handle.executeUpdate(repairUpdates[step], { args: [{ actor: actorOf[step], input: ctx.actionInputs[step] }] }),
        (err) => err instanceof ServiceError && err.message === earlyUpdateFailure,
      ),
    );
    expectStage(view, step, caseId);
  }
  await awaitClosed(ctx, caseId, times);
  return times;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    body: string,
  ) {
    super(`POST ${path} → ${status} ${body}`);
  }
}

/** HTTP requests sent and TCP connections fetch (undici) opened for them: keep-alive reuse. */
export const http = { requests: 0, connections: 0 };
diagnostics.subscribe('undici:client:connected', () => {
  http.connections++;
});

export async function post(ctx: Ctx, path: string, actor: Actor, body: unknown, expectStatus: number): Promise<unknown> {
  http.requests++;
  const res = await fetch(`${ctx.api.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ctx.tokens.get(actor.id)}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expectStatus) throw new HttpError(res.status, path, text);
  return JSON.parse(text) as unknown;
}

/** A 500 whose logged cause is the early-update failure (the API logs the error, the body hides it). */
export function isEarlyUpdateFailureOverHttp(ctx: Ctx, err: unknown): boolean {
  if (!(err instanceof HttpError) || err.status !== 500) return false;
  const logged = ctx.apiErrors.get(err.path);
  ctx.apiErrors.delete(err.path);
  const error = logged?.['error'] as { message?: unknown } | undefined;
  return error?.message === earlyUpdateFailure;
}

/** The HTTP API: POST /repairs, POST /repairs/:caseId/actions/:action; the result through the client. */
export async function apiCase(ctx: Ctx): Promise<CaseTimes> {
  const times: CaseTimes = { latency: {}, resultWait: 0 };
  const opened = (await timed(times, 'open', () => post(ctx, '/repairs', csr, registration, 201))) as { caseId: string };
  const caseId = opened.caseId;
  await settle(ctx, caseId, times);
  for (const step of actionSteps) {
    const path = `/repairs/${caseId}/actions/${step}`;
    const view = (await timed(times, step, () =>
      withRetry(ctx, 'api', () => post(ctx, path, actorOf[step], actionBodies[step], 200), (err) => isEarlyUpdateFailureOverHttp(ctx, err)),
    )) as RepairView;
    expectStage(view, step, caseId);
  }
  await awaitClosed(ctx, caseId, times);
  return times;
}

