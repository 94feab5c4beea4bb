/** A phase: N cases on one path (or two paths interleaved), C at a time, with CPU and retries counted. */
import { performance } from 'node:perf_hooks';
import { cpuSnapshot, otherCpuShare, ourCpuSeconds, processJiffies, threadJiffies } from './cpu';
import { type Ctx, type PathName, type Step, apiCase, bareCase, paths, skeletonCase, steps } from './cases';

export interface PhaseResult {
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
  /** The same CPU seconds by part: the dev server, and the bench process by thread name (main, workflow thread, SDK core...). */
  cpuParts: Record<string, number>;
}

/** CPU jiffies of the dev server and of each of this process's threads. */
function partJiffies(): Record<string, number> {
  const server = process.env['BENCH_SERVER_PID'];
  const threads = threadJiffies(String(process.pid), true);
  return { ...threads, ...(server ? { 'dev server': processJiffies(server) } : {}) };
}

export const emptyLatency = (): Record<Step, number[]> => ({ open: [], fillServiceRecord: [], respondToOwner: [], takeJob: [], reportCompletion: [], recordReturnVisit: [] });

export async function runPhase(ctx: Ctx, path: PathName, cases: number, concurrency: number, guard: Promise<void>): Promise<PhaseResult> {
  return (await runCases(ctx, () => path, cases, concurrency, guard))[path];
}

/**
 * --mixed: one phase whose cases alternate between the paths, so both share the
 * same moments (and the same disturbance from other processes). Each path has
 * about half the runners; its throughput is estimated with Little's law as
 * (concurrency / 2) / mean case duration, which is what "wall s" then reports.
 */
export async function runMixedPhase(
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
export async function runCases(
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
    cpuParts: {},
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
  const parts0 = partJiffies();
  const t0 = performance.now();
  await Promise.race([Promise.all(Array.from({ length: Math.min(concurrency, cases) }, runner)), guard]);
  const wallMs = performance.now() - t0;
  const cpu1 = cpuSnapshot();
  const parts1 = partJiffies();
  const otherCpu = otherCpuShare(cpu0, cpu1);
  const ourCpu = ourCpuSeconds(cpu0, cpu1);
  const total = paths.reduce((n, p) => n + results[p].cases, 0);
  for (const path of paths) {
    results[path].wallMs = wallMs;
    results[path].otherCpu = otherCpu;
    // Shared out by cases when the paths ran interleaved.
    results[path].ourCpuSec = total > 0 ? (ourCpu * results[path].cases) / total : NaN;
    results[path].cpuParts = Object.fromEntries(Object.entries(parts1).map(([k, j]) => [k, total > 0 ? ((j - (parts0[k] ?? 0)) / 100) * (results[path].cases / total) : NaN]));
    results[path].retries = ctx.retried[path].calls - retriedBefore[path];
  }
  return results;
}

export function merge(a: PhaseResult | undefined, b: PhaseResult): PhaseResult {
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
    cpuParts: Object.fromEntries([...new Set([...Object.keys(a.cpuParts), ...Object.keys(b.cpuParts)])].map((k) => [k, (a.cpuParts[k] ?? 0) + (b.cpuParts[k] ?? 0)])),
  };
}

