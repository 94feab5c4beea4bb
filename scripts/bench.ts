/**
 * Benchmark (not a test): the repair procedure end to end against a real Temporal
 * dev server, once through the bare Temporal client and once through the HTTP API,
 * in the same process and the same run. Started by scripts/bench.sh, which provides
 * TEMPORAL_ADDRESS and a freshly migrated DATABASE_URL. Results: docs/bench.md.
 *
 *   npx tsx scripts/bench.ts [--cases N] [--concurrency C] [--warmup W] [--rounds R]
 *                            [--mixed] [--settle] [--strict]
 *
 * --rounds R repeats both phases R times, alternating their order; --mixed runs the
 * two paths interleaved in one phase instead (fairer on a busy machine); --settle
 * waits for the workflow's first task before the first action; --strict fails on
 * the first error instead of retrying the early-update failure described below.
 *
 * Each case: open → respondToOwner (csr) → takeJob (technician) → reportCompletion
 * (technician, one labour charge) → recordReturnVisit (csr, satisfied) → the workflow's
 * result (closed). Latency is measured per call (open and each action); the wait for
 * the result is not an action and is reported apart. Throughput is cases / wall time
 * of the phase, the wall time running until the last case has closed.
 * Exits non-zero only on errors, not when the throughput target is missed.
 */
import diagnostics from 'node:diagnostics_channel';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client, Connection, ServiceError, WithStartWorkflowOperation } from '@temporalio/client';
import { caseOpened } from '../workflows/lib/actions';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { NotificationChannel, OutgoingMessage } from '../activities/notifications';
import { startApiServer, type ApiServer } from '../api/server';
import { newCaseId } from '../api/caseStart';
import { loadCalendarConfig } from '../config/loadCalendar';
import { addStaffMember } from '../api/staffTokens';
import { type Db, openSharedDb } from '../db/client';
import { temporalConfig } from '../worker/config';
import { createWorker } from '../worker/createWorker';
import { BusinessCalendar, type CalendarConfig } from '../workflows/lib/calendar';
import type { Actor } from '../workflows/lib/roles';
import { caseBreached, caseProcedure, caseUnit } from '../workflows/lib/searchAttributes';
import {
  type OpenRepair,
  openRepairSchema,
  repairActions,
  type RepairInput,
  repairProcedure,
  repairState,
  repairUpdates,
  repairWorkflowId,
  type RepairView,
  repairContract,
} from '../workflows/repair/repair.messages';
import type { repairRequest } from '../workflows/repair/repairRequest';
import { cpuSnapshot, otherCpuShare, ourCpuSeconds } from './bench/cpu';
import { parseScaleArgs, runScale, scaleUsage } from './bench/scale';
import { f1, f2, mean, pct, percentile, table } from './bench/stats';
import { skeletonActivities, skeletonOpened, skeletonUpdates } from './bench/skeleton';
import type { benchSkeleton } from './bench/skeleton';
import { workflowBundleOptions } from '../worker/bundle';

// ---- options ----

interface Options {
  cases: number;
  concurrency: number;
  warmup: number;
  rounds: number;
  strict: boolean;
  settle: boolean;
  mixed: boolean;
  remoteSkeleton: boolean;
}

const usage = `usage: bench [--cases N (40)] [--concurrency C (8)] [--warmup W (4)] [--rounds R (1, alternating order)] [--strict] [--settle] [--mixed] [--remote-skeleton]\n       ${scaleUsage}`;

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const opts: Options = { cases: 40, concurrency: 8, warmup: 4, rounds: 1, strict: false, settle: false, mixed: false, remoteSkeleton: false };
  const min = { cases: 1, concurrency: 1, warmup: 0, rounds: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    }
    if (arg === '--remote-skeleton') {
      opts.remoteSkeleton = true;
      continue;
    }
    const flag = /^--(strict|settle|mixed)$/.exec(arg);
    if (flag) {
      opts[flag[1] as 'strict' | 'settle' | 'mixed'] = true;
      continue;
    }
    const m = /^--(cases|concurrency|warmup|rounds)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unknown argument ${arg}\n${usage}`);
    const key = m[1] as keyof typeof min;
    const raw = m[2] ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < min[key]) {
      throw new UsageError(`--${key} needs an integer ≥ ${min[key]} (got ${raw ?? 'nothing'})\n${usage}`);
    }
    opts[key] = value;
  }
  return opts;
}

// ---- the case ----

type Step = 'open' | 'respondToOwner' | 'takeJob' | 'reportCompletion' | 'recordReturnVisit';
const steps: Step[] = ['open', 'respondToOwner', 'takeJob', 'reportCompletion', 'recordReturnVisit'];
type PathName = 'skeleton' | 'bare' | 'api';
const paths: PathName[] = ['skeleton', 'bare', 'api'];
const pathLabels: Record<PathName, string> = { skeleton: 'no-op skeleton', bare: 'bare client', api: 'HTTP API' };

const csr: Actor = { id: 'csr-bench', role: 'csr' };
const technician: Actor = { id: 'tech-bench', role: 'technician' };

/** What the front desk types in (the POST /repairs body). */
const registration = {
  unit: '3-2-1101',
  ownerName: '张先生',
  ownerPhone: '13800000000',
  fault: '厨房水龙头漏水',
  channel: 'phone',
} as const;

/** The raw action bodies, as a client sends them over HTTP. */
const actionBodies = {
  respondToOwner: { channel: 'phone', note: '已回电，师傅马上到' },
  takeJob: {},
  reportCompletion: { workDone: '更换阀芯', charges: [{ kind: 'labour', item: '人工', amountFen: 3000 }] },
  recordReturnVisit: { satisfied: true, rating: 5, problemFound: false },
} as const;
type ActionStep = keyof typeof actionBodies;
const actionSteps: ActionStep[] = ['respondToOwner', 'takeJob', 'reportCompletion', 'recordReturnVisit'];
const actorOf: Record<ActionStep, Actor> = {
  respondToOwner: csr,
  takeJob: technician,
  reportCompletion: technician,
  recordReturnVisit: csr,
};

interface Ctx {
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
const earlyUpdateFailure = 'Workflow Update failed';

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; details?: unknown; message?: unknown } | undefined;
  return cause ? `${err.name}: ${err.message} (cause: code ${String(cause.code)}, ${String(cause.details ?? cause.message)})` : `${err.name}: ${err.message}`;
}

async function withRetry<T>(ctx: Ctx, path: PathName, fn: () => Promise<T>, isEarlyUpdateFailure: (err: unknown) => boolean): Promise<T> {
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

interface CaseTimes {
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
async function settle(ctx: Ctx, caseId: string, times: CaseTimes): Promise<void> {
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

async function timed<T>(times: CaseTimes, step: Step, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const value = await fn();
  times.latency[step] = performance.now() - t0;
  return value;
}

async function awaitClosed(ctx: Ctx, caseId: string, times: CaseTimes): Promise<void> {
  const t0 = performance.now();
  const outcome = await ctx.client.workflow.getHandle<typeof repairRequest>(repairWorkflowId(caseId)).result();
  times.resultWait = performance.now() - t0;
  if (outcome.outcome !== 'closed') throw new Error(`case ${caseId} ended ${outcome.outcome}, expected closed`);
}

function expectStage(view: RepairView, step: ActionStep, caseId: string): void {
  const expected: Record<ActionStep, RepairView['stage']> = {
    respondToOwner: 'dispatching',
    takeJob: 'inProgress',
    reportCompletion: 'awaitingReturnVisit',
    recordReturnVisit: 'closed',
  };
  if (view.stage !== expected[step]) throw new Error(`case ${caseId}: after ${step} the stage is ${view.stage}, expected ${expected[step]}`);
}

/** The baseline: the no-op skeleton with the same updates and one activity per step (scripts/bench/skeleton.ts). */
async function skeletonCase(ctx: Ctx): Promise<CaseTimes> {
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
async function bareCase(ctx: Ctx): Promise<CaseTimes> {
  const times: CaseTimes = { latency: {}, resultWait: 0 };
  const now = new Date();
  const cal = new BusinessCalendar(ctx.calendar);
  const caseId = newCaseId(repairContract.prefix, cal, now);
  const input = ctx.openInput;
  const args: [RepairInput] = [{ ...input, caseId, receivedBy: csr, calendar: ctx.calendar }];
  // As the API opens it: one update-with-start that answers once registration is on record.
  const start = new WithStartWorkflowOperation<typeof repairRequest>('repairRequest', {
    taskQueue: ctx.taskQueue,
    workflowId: repairWorkflowId(caseId),
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    args,
    typedSearchAttributes: [
      { key: caseProcedure, value: repairProcedure },
      { key: caseUnit, value: input.unit },
      { key: caseBreached, value: false },
    ],
    staticSummary: repairContract.startUi.summary(args[0]),
    staticDetails: repairContract.startUi.details(args[0], { cal, now }),
  });
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
const http = { requests: 0, connections: 0 };
diagnostics.subscribe('undici:client:connected', () => {
  http.connections++;
});

async function post(ctx: Ctx, path: string, actor: Actor, body: unknown, expectStatus: number): Promise<unknown> {
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
function isEarlyUpdateFailureOverHttp(ctx: Ctx, err: unknown): boolean {
  if (!(err instanceof HttpError) || err.status !== 500) return false;
  const logged = ctx.apiErrors.get(err.path);
  ctx.apiErrors.delete(err.path);
  const error = logged?.['error'] as { message?: unknown } | undefined;
  return error?.message === earlyUpdateFailure;
}

/** The HTTP API: POST /repairs, POST /repairs/:caseId/actions/:action; the result through the client. */
async function apiCase(ctx: Ctx): Promise<CaseTimes> {
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

// ---- phases ----

interface PhaseResult {
  path: PathName;
  cases: number;
  wallMs: number;
  latency: Record<Step, number[]>;
  resultWait: number[];
  /** Actions (calls) that had to be retried after the early-update failure. */
  retries: number;
  settleWait: number[];
  /** Each case from its open call to its result. */
  caseMs: number[];
  /** CPU used by other processes on the machine during the phase, weighted by wall time. */
  otherCpu: number;
  /** CPU seconds used by the bench process (worker, API, load) and the dev server. */
  ourCpuSec: number;
}

const emptyLatency = (): Record<Step, number[]> => ({ open: [], respondToOwner: [], takeJob: [], reportCompletion: [], recordReturnVisit: [] });

async function runPhase(ctx: Ctx, path: PathName, cases: number, concurrency: number, guard: Promise<void>): Promise<PhaseResult> {
  return (await runCases(ctx, () => path, cases, concurrency, guard))[path];
}

/**
 * --mixed: one phase whose cases alternate between the paths, so both share the
 * same moments (and the same disturbance from other processes). Each path has
 * about half the runners; its throughput is estimated with Little's law as
 * (concurrency / 2) / mean case duration, which is what "wall s" then reports.
 */
async function runMixedPhase(
  ctx: Ctx,
  casesPerPath: number,
  concurrency: number,
  guard: Promise<void>,
): Promise<Record<PathName, PhaseResult> & { wallMs: number }> {
  const t0 = performance.now();
  const r = await runCases(ctx, (k) => paths[k % paths.length], casesPerPath * paths.length, concurrency, guard);
  const wallMs = performance.now() - t0;
  for (const path of paths) {
    r[path].wallMs = r[path].caseMs.reduce((sum, ms) => sum + ms, 0) / (concurrency / paths.length);
  }
  return { ...r, wallMs };
}

/** Runs `cases` cases with `concurrency` runners; case k goes through `pathOf(k)`. */
async function runCases(
  ctx: Ctx,
  pathOf: (k: number) => PathName,
  cases: number,
  concurrency: number,
  guard: Promise<void>,
): Promise<Record<PathName, PhaseResult>> {
  const empty = (path: PathName): PhaseResult => ({
    path,
    cases: 0,
    wallMs: 0,
    latency: emptyLatency(),
    resultWait: [],
    retries: 0,
    settleWait: [],
    caseMs: [],
    otherCpu: NaN,
    ourCpuSec: NaN,
  });
  const results = Object.fromEntries(paths.map((p) => [p, empty(p)])) as Record<PathName, PhaseResult>;
  const retriedBefore = Object.fromEntries(paths.map((p) => [p, ctx.retried[p].calls])) as Record<PathName, number>;
  let next = 0;
  let failed = false;
  const runner = async () => {
    while (!failed && next < cases) {
      const path = pathOf(next++);
      const result = results[path];
      try {
        const c0 = performance.now();
        const times = await { skeleton: skeletonCase, bare: bareCase, api: apiCase }[path](ctx);
        result.caseMs.push(performance.now() - c0);
        result.cases++;
        for (const s of steps) result.latency[s].push(times.latency[s] as number);
        result.resultWait.push(times.resultWait);
        if (times.settleWait !== undefined) result.settleWait.push(times.settleWait);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const cpu0 = cpuSnapshot();
  const t0 = performance.now();
  await Promise.race([Promise.all(Array.from({ length: Math.min(concurrency, cases) }, runner)), guard]);
  const wallMs = performance.now() - t0;
  const cpu1 = cpuSnapshot();
  const otherCpu = otherCpuShare(cpu0, cpu1);
  const ourCpu = ourCpuSeconds(cpu0, cpu1);
  const total = paths.reduce((n, p) => n + results[p].cases, 0);
  for (const path of paths) {
    results[path].wallMs = wallMs;
    results[path].otherCpu = otherCpu;
    // Shared out by cases when the paths ran interleaved.
    results[path].ourCpuSec = total > 0 ? (ourCpu * results[path].cases) / total : NaN;
    results[path].retries = ctx.retried[path].calls - retriedBefore[path];
  }
  return results;
}

function merge(a: PhaseResult | undefined, b: PhaseResult): PhaseResult {
  if (!a) return b;
  const latency = emptyLatency();
  for (const s of steps) latency[s] = [...a.latency[s], ...b.latency[s]];
  return {
    path: a.path,
    cases: a.cases + b.cases,
    wallMs: a.wallMs + b.wallMs,
    latency,
    resultWait: [...a.resultWait, ...b.resultWait],
    retries: a.retries + b.retries,
    settleWait: [...a.settleWait, ...b.settleWait],
    caseMs: [...a.caseMs, ...b.caseMs],
    otherCpu: (a.otherCpu * a.wallMs + b.otherCpu * b.wallMs) / (a.wallMs + b.wallMs),
    ourCpuSec: a.ourCpuSec + b.ourCpuSec,
  };
}

// ---- report ----

const allActions = (r: PhaseResult): number[] => steps.flatMap((s) => r.latency[s]);
const throughput = (r: PhaseResult): number => r.cases / (r.wallMs / 1000);

function report(skeleton: PhaseResult, bare: PhaseResult, api: PhaseResult, mixed: boolean, skeletonKind: 'local' | 'regular'): void {
  const summary = (r: PhaseResult) => {
    const lat = allActions(r);
    return [
      pathLabels[r.path],
      String(r.cases),
      f1(r.wallMs / 1000),
      f2(throughput(r)),
      f1(percentile(lat, 50)),
      f1(percentile(lat, 99)),
      f1(mean(lat)),
      Number.isNaN(r.ourCpuSec) ? '?' : f2(r.ourCpuSec / r.cases),
      String(r.retries),
      Number.isNaN(r.otherCpu) ? '?' : pct(r.otherCpu),
    ];
  };
  console.log('');
  console.log(
    table(
      ['path', 'cases', 'wall s', 'cases/s', 'p50 ms', 'p99 ms', 'mean ms', 'CPU s/case', 'retried', 'other CPU'],
      [summary(skeleton), summary(bare), summary(api)],
    ),
  );
  console.log(
    '(CPU s/case: CPU seconds of this process and the dev server per case; retried: actions retried after the ' +
      'early-update failure; other CPU: share of the machine used by other processes)',
  );
  if (mixed) {
    console.log(
      '(--mixed: both paths ran interleaved in one phase, each with about half the runners; wall s and cases/s are per path, ' +
        "from Little's law: (concurrency / 2) / mean case duration)",
    );
  }

  const tput = throughput(api) / throughput(bare);
  const p50 = percentile(allActions(api), 50) / percentile(allActions(bare), 50);
  const p99 = percentile(allActions(api), 99) / percentile(allActions(bare), 99);
  console.log('');
  console.log(`API / bare: throughput ${pct(tput)}, p50 latency ${f2(p50)}× (${pct(p50)}), p99 latency ${f2(p99)}× (${pct(p99)})`);
  console.log(`Target "API throughput ≥ 95% of bare client": ${tput >= 0.95 ? 'MET' : 'NOT MET'} (${pct(tput)})`);
  const cpuRatio = bare.ourCpuSec / bare.cases / (skeleton.ourCpuSec / skeleton.cases);
  const p50Skeleton = percentile(allActions(bare), 50) / percentile(allActions(skeleton), 50);
  console.log(`Repair / no-op skeleton (bare client both; the skeleton's step a ${skeletonKind} activity): CPU per case ${f2(cpuRatio)}×, action p50 latency ${f2(p50Skeleton)}×`);
  console.log(`Target "CPU per repair case ≤ 1.3× the skeleton's": ${cpuRatio <= 1.3 ? 'MET' : 'NOT MET'} (${f2(cpuRatio)}×)`);
  console.log(`Target "action latency p50 ≤ 1.2× the skeleton's": ${p50Skeleton <= 1.2 ? 'MET' : 'NOT MET'} (${f2(p50Skeleton)}×)`);
  const busiest = Math.max(skeleton.otherCpu, bare.otherCpu, api.otherCpu);
  if (busiest > 0.1) {
    console.log(
      `NOTE: other processes used up to ${pct(busiest)} of the CPU during a phase: the comparison is skewed; rerun on a quiet machine (or with more --rounds).`,
    );
  }

  console.log('');
  console.log(
    `Per call, p50 / p99 ms (result wait = last action → workflow closed${bare.settleWait.length > 0 ? '; settle wait = open → first task done' : ''}; not actions):`,
  );
  const extra = bare.settleWait.length > 0 ? (['settle wait', 'result wait'] as const) : (['result wait'] as const);
  const rows = [...steps, ...extra].map((s) => {
    const of = (r: PhaseResult) => (s === 'result wait' ? r.resultWait : s === 'settle wait' ? r.settleWait : r.latency[s]);
    return [s, f1(percentile(of(bare), 50)), f1(percentile(of(bare), 99)), f1(percentile(of(api), 50)), f1(percentile(of(api), 99)), f2(percentile(of(api), 50) / percentile(of(bare), 50))];
  });
  console.log(table(['call', 'bare p50', 'bare p99', 'API p50', 'API p99', 'p50 API/bare'], rows));
}

function reportRetries(ctx: Ctx): void {
  for (const path of paths) {
    const r = ctx.retried[path];
    if (r.calls === 0) continue;
    console.log(
      `WARNING: ${path}: ${r.calls} action(s) failed with "${earlyUpdateFailure}" and were retried (${r.attempts} failed attempts, warm-up included); ` +
        `first: ${r.first ?? '?'}. An update sent right after the case opened probably failed the workflow's first task ` +
        '(see the note at `earlyUpdateFailure` in scripts/bench.ts). Run with --strict to fail instead.',
    );
  }
}

// ---- wiring ----

/** Notifications go nowhere (outbox rows are still written by the activities). */
const silentChannel: NotificationChannel = {
  name: 'bench',
  async deliver(_message: OutgoingMessage): Promise<void> {
    // intentionally empty
  },
};

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string) => console.warn(m),
  error: (m: string) => console.error(m),
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The dev server opens its port before the namespace answers: retry until it does. */
async function connectWhenReady(address: string, namespace: string, timeoutMs = 60_000): Promise<Connection> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address });
      await connection.workflowService.describeNamespace({ namespace });
      return connection;
    } catch (err) {
      await connection?.close().catch(() => undefined);
      if (Date.now() > until) throw err;
      await sleep(250);
    }
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.some((a) => a === '--scale' || a.startsWith('--scale='))) {
    await runScale(parseScaleArgs(argv));
    return;
  }
  const opts = parseArgs(argv);
  const temporal = temporalConfig();
  const calendar = loadCalendarConfig();
  const cpus = os.cpus();
  console.log(
    `bench: ${opts.cases} cases × ${opts.rounds} round(s) per path, concurrency ${opts.concurrency}, warm-up ${opts.warmup} per path, ` +
      `${opts.settle ? 'settle before the first action' : 'actions back to back'}${opts.mixed ? ', paths interleaved' : ''}${opts.strict ? ', strict' : ''}; ` +
      `Temporal ${temporal.TEMPORAL_ADDRESS}; ${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, ` +
      `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
  );

  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cleanups: (() => Promise<unknown>)[] = [];
  let stopping = false;
  try {
    // The database as the worker and API open it in production: SQLite in WAL mode with a busy timeout.
    const db: Db = await openSharedDb();
    cleanups.push(() => db.$disconnect());
    const connection = await connectWhenReady(temporal.TEMPORAL_ADDRESS, temporal.TEMPORAL_NAMESPACE);
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: temporal.TEMPORAL_NAMESPACE });

    const t0 = performance.now();
    const workflowBundle = await bundleWorkflowCode({ ...workflowBundleOptions(require.resolve('./bench/workflows')), logger: quietLogger });
    const nativeConnection = await NativeConnection.connect({ address: temporal.TEMPORAL_ADDRESS });
    cleanups.push(() => nativeConnection.close());
    const worker: Worker = await createWorker({
      connection: nativeConnection,
      namespace: temporal.TEMPORAL_NAMESPACE,
      taskQueue: temporal.TEMPORAL_TASK_QUEUE,
      db,
      channel: silentChannel,
      workflowBundle,
      options: { extraActivities: skeletonActivities },
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });
    // Fails the phase at once if the worker stops while cases are in flight.
    const guard = running.then(() => {
      if (!stopping) throw new Error('the worker stopped unexpectedly');
      return new Promise<void>(() => undefined);
    });
    guard.catch(() => undefined);

    const apiErrors = new Map<string, Record<string, unknown>>();
    const log = (entry: Record<string, unknown>) => {
      apiErrors.set(String(entry['path']), entry);
      if (opts.strict) process.stderr.write(`${JSON.stringify(entry)}\n`);
    };
    const api = await startApiServer({ client, db, calendar, taskQueue: temporal.TEMPORAL_TASK_QUEUE, log, requestLog: () => undefined }, 0);
    const tokens = new Map<string, string>();
    for (const actor of [csr, technician]) tokens.set(actor.id, (await addStaffMember(db, { id: actor.id, name: actor.id, role: actor.role })).token);
    cleanups.push(() => api.close(2_000));
    console.log(`bench: worker and API (${api.url}) up in ${f1((performance.now() - t0) / 1000)} s`);

    const ctx: Ctx = {
      client,
      api,
      calendar,
      taskQueue: temporal.TEMPORAL_TASK_QUEUE,
      openInput: openRepairSchema.parse(registration),
      actionInputs: Object.fromEntries(actionSteps.map((s) => [s, repairActions[s].input.parse(actionBodies[s])])) as Record<ActionStep, unknown>,
      apiErrors,
      retried: { skeleton: { calls: 0, attempts: 0 }, bare: { calls: 0, attempts: 0 }, api: { calls: 0, attempts: 0 } },
      tokens,
      strict: opts.strict,
      settle: opts.settle,
      remoteSkeleton: opts.remoteSkeleton,
    };

    if (opts.warmup > 0) {
      for (const path of paths) await runPhase(ctx, path, opts.warmup, opts.concurrency, guard);
      console.log(`bench: warm-up done (${opts.warmup} cases per path)`);
    }

    const merged: Partial<Record<PathName, PhaseResult>> = {};
    for (let round = 0; round < opts.rounds; round++) {
      if (opts.mixed) {
        const r = await runMixedPhase(ctx, opts.cases, opts.concurrency, guard);
        console.log(
          `bench: round ${round + 1} mixed ${paths.reduce((n, p) => n + r[p].cases, 0)} cases in ${f2(r.wallMs / 1000)} s; ` +
            `mean case ${paths.map((p) => `${f1(mean(r[p].caseMs))} ms ${p}`).join(', ')}` +
            ` (other processes used ${Number.isNaN(r.bare.otherCpu) ? '?' : pct(r.bare.otherCpu)} of the CPU)`,
        );
        for (const p of paths) merged[p] = merge(merged[p], r[p]);
        continue;
      }
      // Each round in another order, so no path always runs first (or last) on a warming machine.
      const order = paths.map((_, i) => paths[(i + round) % paths.length]);
      for (const path of order) {
        const r = await runPhase(ctx, path, opts.cases, opts.concurrency, guard);
        console.log(
          `bench: round ${round + 1} ${path.padEnd(8)} ${r.cases} cases in ${f2(r.wallMs / 1000)} s → ${f2(throughput(r))} cases/s` +
            ` (other processes used ${Number.isNaN(r.otherCpu) ? '?' : pct(r.otherCpu)} of the CPU)`,
        );
        merged[path] = merge(merged[path], r);
      }
    }
    report(merged.skeleton as PhaseResult, merged.bare as PhaseResult, merged.api as PhaseResult, opts.mixed, opts.remoteSkeleton ? 'regular' : 'local');
    reportRetries(ctx);

    // Sanity: every case is on record as closed, with its outbox rows.
    const total = (opts.warmup + opts.cases * opts.rounds) * 2;
    const closed = await db.case.count({ where: { outcome: 'closed' } });
    const notifications = await db.notification.count();
    console.log('');
    console.log(`bench: database: ${closed} of ${total} cases closed, ${notifications} outbox rows`);
    console.log(`bench: HTTP: ${http.requests} requests over ${http.connections} connection(s) (keep-alive)`);
    console.log(`bench: load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (1/5/15 min; other processes on the machine skew the figures)`);
    if (closed !== total) throw new Error(`expected ${total} closed cases in the database, found ${closed}`);
  } finally {
    stopping = true;
    // Everything below is closed so the process ends by itself; if a shutdown hangs
    // or a handle stays open, this (unreferenced) timer still ends it, as a failure.
    setTimeout(() => {
      console.error('bench: still running 30 s after shutdown began (a handle was left open), exiting');
      process.exit(1);
    }, 30_000).unref();
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => console.error('bench: cleanup failed:', err));
    }
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(`bench: ${err.message}`);
    process.exitCode = 2;
    return;
  }
  console.error('bench: failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
