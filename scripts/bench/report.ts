/** The bench's report: the table per path, the ratios against their targets, per-call latency. */
import { f1, f2, mean, pct, percentile, table } from './stats';
import { type Ctx, earlyUpdateFailure, pathLabels, paths, steps } from './cases';
import { type PhaseResult } from './phases';

export const allActions = (r: PhaseResult): number[] => steps.flatMap((s) => r.latency[s]);
export const throughput = (r: PhaseResult): number => r.cases / (r.wallMs / 1000);

export function report(skeleton: PhaseResult, bare: PhaseResult, api: PhaseResult, mixed: boolean, skeletonKind: 'local' | 'regular'): void {
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
  // Where each path's CPU went: the parts that used at least 1 ms per case on some path, largest first.
  const perCase = (r: PhaseResult, k: string) => ((r.cpuParts[k] ?? 0) * 1000) / r.cases;
  const parts = [...new Set([skeleton, bare, api].flatMap((r) => Object.keys(r.cpuParts)))]
    .filter((k) => [skeleton, bare].some((r) => perCase(r, k) >= 1))
    .sort((a, b) => perCase(bare, b) - perCase(bare, a));
  console.log(`CPU ms per case by part (skeleton / bare / API): ${parts.map((k) => `${k} ${f1(perCase(skeleton, k))} / ${f1(perCase(bare, k))} / ${f1(perCase(api, k))}`).join('; ')}`);
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

export function reportRetries(ctx: Ctx): void {
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

