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
 * Each case: open → fillServiceRecord (csr) → respondToOwner (csr) → takeJob (technician) → reportCompletion
 * (technician, one labour charge) → recordReturnVisit (csr, satisfied) → the workflow's
 * result (closed). Latency is measured per call (open and each action); the wait for
 * the result is not an action and is reported apart. Throughput is cases / wall time
 * of the phase, the wall time running until the last case has closed.
 * Exits non-zero only on errors, not when the throughput target is missed.
 *
 * The parts, by what they measure: bench/options.ts (the command line),
 * bench/cases.ts (one case on each path, timed per call), bench/phases.ts (N cases
 * on a path, CPU and retries), bench/report.ts (tables and ratios against the
 * targets), bench/scale.ts (`--scale N`), bench/perWorkflow.ts (`--per-workflow`).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { NotificationChannel, OutgoingMessage } from '../activities/notifications';
import { startApiServer } from '../api/server';
import { loadCalendarConfig } from '../config/loadCalendar';
import { addStaffMember } from '../api/staffTokens';
import { type Db, openSharedDb } from '../db/client';
import { temporalConfig } from '../worker/config';
import { createWorker } from '../worker/createWorker';
import { payloadDataConverter } from '../worker/payloadCodec';
import { openRepairSchema, repairActions } from '../workflows/repair/repair.messages';
import { parseScaleArgs, runScale } from './bench/scale';
import { f1, f2, mean, pct } from './bench/stats';
import { skeletonActivities } from './bench/skeleton';
import { workflowBundleOptions } from '../worker/bundle';
import { type ActionStep, type Ctx, type PathName, actionBodies, actionSteps, csr, http, paths, registration, sleep, technician } from './bench/cases';
import { type PhaseResult, merge, runMixedPhase, runPhase } from './bench/phases';
import { parseArgs, UsageError } from './bench/options';
import { report, reportRetries, throughput } from './bench/report';

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
    const client = new Client({ connection, namespace: temporal.TEMPORAL_NAMESPACE, dataConverter: payloadDataConverter() });

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

