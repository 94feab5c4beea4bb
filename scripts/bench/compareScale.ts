/** Two scale runs' figures side by side (scripts/bench/scaleBoth.sh): the dev server's and the cluster's. */
import fs from 'node:fs';
import { f1, f2, table } from './stats';

interface Figures {
  target: string;
  cases: number;
  cache: number | null;
  maxRssMiB: number;
  registrationPerS: number;
  inbox: { p50: number; p99: number };
  cases_: { p50: number; p99: number };
  cpuPerEventMs: number;
  events: number;
  perProcess: Record<string, number>;
  load: number[];
}

const [a, b] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as Figures);
if (!a || !b) throw new Error('usage: compareScale <dev-server.json> <cluster.json>');
const ratio = (x: number, y: number) => (x > 0 ? `${f2(y / x)}×` : '-');
const row = (what: string, x: number, y: number, unit: string, target: string) => [what, `${f1(x)} ${unit}`, `${f1(y)} ${unit}`, ratio(x, y), target];
console.log(`\nscale, ${a.cases} open repairs, worker cache ${a.cache ?? 'default'}: ${a.target} against ${b.target}, one run each`);
console.log(
  table(
    ['figure', a.target, b.target, `${b.target} / ${a.target}`, 'target'],
    [
      row('worker RSS, max in window', a.maxRssMiB, b.maxRssMiB, 'MiB', '< 1024 MiB'),
      row('registration through the API', a.registrationPerS, b.registrationPerS, 'cases/s', '≥ 20 cases/s'),
      row('GET /inbox p99', a.inbox.p99, b.inbox.p99, 'ms', '< 100 ms'),
      row('GET /cases p99', a.cases_.p99, b.cases_.p99, 'ms', '< 100 ms'),
      row('CPU per timer event', a.cpuPerEventMs, b.cpuPerEventMs, 'ms', '≤ 20 ms'),
      ['timer events in the window', String(a.events), String(b.events), ratio(a.events, b.events), ''],
      ...Object.keys(a.perProcess).map((k) => row(`  of which ${k}`, a.perProcess[k] ?? NaN, b.perProcess[k] ?? NaN, 'ms', '')),
    ],
  ),
);
console.log(`load average at the end: ${a.load.map((x) => x.toFixed(2)).join(' ')} / ${b.load.map((x) => x.toFixed(2)).join(' ')}`);
