/**
 * Scale mode (`npm run bench -- --scale N`): N open repairs waiting on their
 * timers, registered through the HTTP API, with the worker and the API as
 * separate processes (started as `npm start` starts them, on the bench's dev
 * server and database). Then, for a window of real time while the cases'
 * deadlines fall due (warnings, breaches, escalations), it measures:
 *
 * - registration: cases accepted per second by POST /repairs, and until all
 *   are on record;
 * - the worker's memory (RSS, sampled), with its workflow cache as configured
 *   (`--cache K`: WORKER_MAX_CACHED_WORKFLOWS; a case evicted from the cache is
 *   replayed from its history when its next timer fires — what that costs is
 *   in the CPU per timer event);
 * - `GET /inbox` and `GET /cases` latency, p50 / p99, while the timers fire;
 * - CPU (worker + API + dev server) per deadline event written in the window.
 *
 * Each figure is printed beside its target (docs/bench.md records a run).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { addStaffMember } from '../../api/staffTokens';
import { type Db, openSharedDb } from '../../db/client';
import type { Actor } from '../../workflows/lib/roles';
import { processJiffies, threadJiffies } from './cpu';
import { sleep } from './cases';
import { f1, f2, percentile, table } from './stats';

export interface ScaleOptions {
  cases: number;
  /** Registrations in flight at once. */
  concurrency: number;
  /** Seconds of timers firing to measure after registration. */
  windowSeconds: number;
  /** The worker's workflow cache (WORKER_MAX_CACHED_WORKFLOWS); undefined: the worker's default. */
  cache?: number;
  /** GET /inbox and GET /cases requests each. */
  queries: number;
  /** The worker's V8 heap limit in MiB (node --max-old-space-size); undefined: node's default. */
  heap?: number;
}

export const scaleUsage = 'usage: bench --scale N [--concurrency C (32)] [--window S (300)] [--cache K (worker default)] [--heap MiB (node default)] [--queries Q (200)]';

export function parseScaleArgs(argv: string[]): ScaleOptions {
  const opts: ScaleOptions = { cases: 0, concurrency: 32, windowSeconds: 300, queries: 200 };
  const keys: Record<string, keyof ScaleOptions> = { scale: 'cases', concurrency: 'concurrency', window: 'windowSeconds', cache: 'cache', queries: 'queries', heap: 'heap' };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(scale|concurrency|window|cache|queries|heap)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unknown argument ${argv[i]}\n${scaleUsage}`);
    const raw = m[2] ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < (m[1] === 'cache' ? 0 : 1)) throw new Error(`--${m[1]} needs a whole number (got ${raw ?? 'nothing'})\n${scaleUsage}`);
    (opts as unknown as Record<string, number>)[keys[m[1]] as string] = value;
  }
  return opts;
}

const root = path.resolve(__dirname, '..', '..');
const csr: Actor = { id: 'csr-scale', role: 'csr' };
const technician: Actor = { id: 'tech-scale', role: 'technician' };

/** A process of the system (worker or API), its log lines kept; resolves once it logs `ready`. */
function startProcess(name: string, script: string, env: Record<string, string>, ready: (line: string) => boolean, nodeFlags: string[] = []): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const dir = process.env['BENCH_RUN_DIR'] ?? path.dirname(process.env['DATABASE_URL']?.replace(/^file:/, '') ?? os.tmpdir());
  const log = fs.createWriteStream(path.join(dir, `${name}.log`));
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s`)), 120_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buffer += chunk.toString();
      for (const line of buffer.split('\n').slice(0, -1)) {
        if (ready(line)) {
          clearTimeout(timer);
          resolve({ child, firstLine: line });
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
}

function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

const timerEventKinds = ['warning', 'breached', 'escalated'];

/**
 * The Temporal server's CPU: the dev server's process (BENCH_SERVER_PID), or a cluster's
 * services (BENCH_SERVER_PIDS) and its PostgreSQL, the postmaster and every live backend
 * (BENCH_SERVER_PG_PID): a backend's CPU counts while it lives, as a pool's connections do.
 */
function serverJiffies(): number {
  const pids = [process.env['BENCH_SERVER_PID'], ...(process.env['BENCH_SERVER_PIDS']?.split(',') ?? [])].filter((p): p is string => !!p && p !== '0');
  let total = pids.reduce((n, p) => n + processJiffies(p), 0);
  const pg = process.env['BENCH_SERVER_PG_PID'];
  if (pg) {
    total += processJiffies(pg);
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === pg) total += processJiffies(entry);
      } catch {
        // gone between the listing and the read
      }
    }
  }
  return total;
}

export async function runScale(opts: ScaleOptions): Promise<void> {
  const db: Db = await openSharedDb();
  const children: ChildProcess[] = [];
  // Stopped from outside (bench.sh's timeout, Ctrl-C): the worker and the API stop with it, not left running.
  const onSignal = (signal: NodeJS.Signals) => {
    for (const child of children) child.kill('SIGTERM');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const cacheEnv: Record<string, string> = opts.cache === undefined ? {} : { WORKER_MAX_CACHED_WORKFLOWS: String(opts.cache) };
    // BENCH_WORKER_NODE_FLAGS: extra node flags for the worker (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
    const heapFlags = [...(opts.heap === undefined ? [] : [`--max-old-space-size=${opts.heap}`]), ...(process.env['BENCH_WORKER_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [])];
    const worker = await startProcess('worker', 'worker/main.ts', cacheEnv, (l) => l.includes('"worker started"'), heapFlags);
    children.push(worker.child);
    const cache = (JSON.parse(worker.firstLine) as { maxCachedWorkflows?: number }).maxCachedWorkflows;
    const api = await startProcess('api', 'api/main.ts', { PORT: '0' }, (l) => l.includes('"api started"'));
    children.push(api.child);
    const url = (JSON.parse(api.firstLine) as { url: string }).url;
    const pids = { worker: worker.child.pid as number, api: api.child.pid as number };
    console.log(`scale: ${opts.cases} repairs, ${opts.concurrency} registrations in flight, worker cache ${cache ?? 'default'}, worker heap limit ${opts.heap ? `${opts.heap} MiB` : 'node default'}, window ${opts.windowSeconds} s; API ${url}`);

    const tokens = new Map<string, string>();
    for (const a of [csr, technician]) tokens.set(a.id, (await addStaffMember(db, { id: a.id, name: a.id, role: a.role })).token);
    const get = async (who: Actor, p: string): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${url}${p}`, { headers: { Authorization: `Bearer ${tokens.get(who.id)}` } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET ${p} → ${res.status}`);
      return performance.now() - t0;
    };

    // The worker's memory, every 2 s from here on.
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMiB(pids.worker)), 2_000);

    // 1. Registration through the API.
    const body = JSON.stringify({ unit: '3-2-1101', ownerName: '张先生', ownerPhone: '13800000000', fault: '厨房水龙头漏水', channel: 'phone' });
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < opts.cases) {
          next++;
          const res = await fetch(`${url}/repairs`, { method: 'POST', headers: { Authorization: `Bearer ${tokens.get(csr.id)}`, 'Content-Type': 'application/json' }, body });
          await res.arrayBuffer();
          if (res.status !== 201) throw new Error(`POST /repairs → ${res.status}`);
        }
      }),
    );
    const accepted = (performance.now() - t0) / 1000;
    for (;;) {
      const onRecord = await db.case.count({ where: { procedure: 'repair', closedAt: null } });
      if (onRecord >= opts.cases) break;
      if (performance.now() - t0 > 30 * 60_000) throw new Error(`only ${onRecord} of ${opts.cases} cases on record after 30 minutes`);
      await sleep(1_000);
    }
    const recorded = (performance.now() - t0) / 1000;
    console.log(`scale: ${opts.cases} registrations accepted in ${f1(accepted)} s, all on record after ${f1(recorded)} s; worker RSS now ${f1(rssMiB(pids.worker))} MiB`);

    // 2. The window: timers fire; reads of the inbox and the case list meanwhile.
    const split = () => ({ worker: processJiffies(String(pids.worker)), api: processJiffies(String(pids.api)), server: serverJiffies() });
    const jiffies = () => Object.values(split()).reduce((a, b) => a + b, 0);
    const split0 = split();
    const threads0 = threadJiffies(String(pids.worker));
    const events = () => db.deadlineEvent.count({ where: { kind: { in: timerEventKinds } } });
    const w0 = { cpu: jiffies(), events: await events(), at: performance.now() };
    rss.length = 0;
    const inbox: number[] = [];
    const list: number[] = [];
    const spacing = (opts.windowSeconds * 1000) / 2 / opts.queries;
    await sleep((opts.windowSeconds * 1000) / 4);
    for (let q = 0; q < opts.queries; q++) {
      inbox.push(await get(q % 2 === 0 ? csr : technician, '/inbox?limit=100'));
      list.push(await get(csr, `/cases?limit=50&offset=${(q * 50) % Math.max(1, opts.cases - 50)}`));
      await sleep(spacing);
    }
    const left = opts.windowSeconds * 1000 - (performance.now() - w0.at);
    if (left > 0) await sleep(left);
    const w1 = { cpu: jiffies(), events: await events(), at: performance.now() };
    const split1 = split();
    const threads1 = threadJiffies(String(pids.worker));
    clearInterval(sampler);
    const fired = w1.events - w0.events;
    const cpuSeconds = (w1.cpu - w0.cpu) / 100;
    const windowSeconds = (w1.at - w0.at) / 1000;
    const maxRss = Math.max(...rss.filter((x) => !Number.isNaN(x)));

    const rate = opts.cases / accepted;
    const perEventMs = fired > 0 ? (cpuSeconds * 1000) / fired : NaN;
    const row = (what: string, value: string, target: string, met: boolean) => [what, value, target, met ? 'MET' : 'NOT MET'];
    console.log('');
    console.log(
      table(
        ['figure', 'measured', 'target', ''],
        [
          row('worker RSS, max in window', `${f1(maxRss)} MiB`, '< 1024 MiB', maxRss < 1024),
          row('registration through the API', `${f1(rate)} cases/s`, '≥ 20 cases/s', rate >= 20),
          row('GET /inbox p99', `${f1(percentile(inbox, 99))} ms (p50 ${f1(percentile(inbox, 50))})`, '< 100 ms', percentile(inbox, 99) < 100),
          row('GET /cases p99', `${f1(percentile(list, 99))} ms (p50 ${f1(percentile(list, 50))})`, '< 100 ms', percentile(list, 99) < 100),
          row('CPU per timer event', `${f2(perEventMs)} ms (${fired} events, ${f1(cpuSeconds)} CPU s in ${f1(windowSeconds)} s)`, '≤ 20 ms', perEventMs <= 20),
        ],
      ),
    );
    // BENCH_SCALE_FIGURES: where to keep this run's figures (scripts/bench/scaleBoth.sh prints two runs side by side).
    const figuresFile = process.env['BENCH_SCALE_FIGURES'];
    if (figuresFile) {
      const perProcess = Object.fromEntries((Object.keys(split0) as (keyof typeof split0)[]).map((k) => [k, ((split1[k] - split0[k]) * 10) / Math.max(1, fired)]));
      const figures = { target: process.env['BENCH_SERVER_PIDS'] ? 'cluster' : 'dev server', cases: opts.cases, cache: cache ?? null, maxRssMiB: maxRss, registrationPerS: rate, inbox: { p50: percentile(inbox, 50), p99: percentile(inbox, 99) }, cases_: { p50: percentile(list, 50), p99: percentile(list, 99) }, cpuPerEventMs: perEventMs, events: fired, perProcess, load: os.loadavg() };
      fs.writeFileSync(figuresFile, JSON.stringify(figures, null, 2));
    }
    const share = (k: keyof typeof split0) => `${k} ${f2(((split1[k] - split0[k]) * 10) / Math.max(1, fired))} ms`;
    console.log(`CPU per timer event by process: ${share('worker')}, ${share('api')}, ${share('server')}`);
    const byThread = Object.entries(threads1).map(([name, j]) => [name, ((j - (threads0[name] ?? 0)) * 10) / Math.max(1, fired)] as const).filter(([, ms]) => ms >= 0.05).sort((a, b) => b[1] - a[1]);
    console.log(`the worker's CPU per timer event by thread: ${byThread.map(([name, ms]) => `${name} ${f2(ms)} ms`).join(', ')}`);
    console.log(`(CPU: worker + API + dev server; timer events: deadline events of kind ${timerEventKinds.join(', ')} written in the window; worker cache ${cache ?? 'default'}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    for (const child of children.reverse()) await stop(child);
    await db.$disconnect();
  }
}
