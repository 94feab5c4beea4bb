/**
 * `npm run fault-run` (after `npm run cluster`): repairs and complaints of two service
 * centres driven through the cluster's load balancer to their end while, phase by
 * phase, one piece of the cluster is killed and brought back (docs/cluster.md):
 *
 *   baseline   nothing
 *   worker     kill -9 worker-1, then start it again
 *   api        kill -9 api-1, then start it again
 *   history    kill -9 the Temporal history service, then start it again
 *   postgres   kill -9 of PostgreSQL's postmaster, then a start with crash recovery (--pg-fault kill,
 *              the default), or `pg_ctl restart -m fast` (--pg-fault restart)
 *   drain      nothing: the cases still open finish
 *
 * Every request is made as staff with a bearer token (centre, staff and tokens made with
 * scripts/centres.ts and scripts/staff.ts); an opening carries an `Idempotency-Key`, and
 * every request an `X-Request-Id` that stays the same across its retries (the API names a
 * staff action's Temporal update by it). The driver retries a request only after a 503 or
 * a connection error, and counts each retry; any other non-2xx answer (or an unexpected
 * stage) is a failure. At the end it checks, in Temporal (describe and history of every
 * case) and in the records database, that every case closed, with exactly its expected
 * audit trail (no step lost, none twice), one Case row per receipt, each staff action
 * accepted once by its workflow, its charges, return visit and owner-file entry once, no
 * duplicate notifications or clock events; prints a table per phase and a verdict, and
 * exits non-zero on any violation.
 *
 * Options: --cases-per-phase N (10: 8 repairs, 2 complaints; 5 phases → 50 cases over 2 centres),
 * --pg-fault kill|restart (kill). A case whose request failed is left where it stopped
 * (open in the cluster); its records are still checked for steps written twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { projectRoot } from '../db/config';

const clusterDir = path.join(projectRoot, '.data', 'cluster');

/** The project's processes' environment, as scripts/cluster.sh wrote it (`export K=V` lines). */
function loadClusterEnv(): void {
  const file = path.join(clusterDir, 'env');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: start the cluster first (npm run cluster)`);
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) process.env[m[1]] = m[2];
  }
}

const { values: opts } = parseArgs({ options: { 'cases-per-phase': { type: 'string', default: '10' }, 'pg-fault': { type: 'string', default: 'kill' } } });
const casesPerPhase = Number(opts['cases-per-phase']);
const pgFault = opts['pg-fault'];
if (!Number.isInteger(casesPerPhase) || casesPerPhase < 1) throw new Error('--cases-per-phase must be a positive integer');
if (pgFault !== 'restart' && pgFault !== 'kill') throw new Error('--pg-fault must be kill or restart');

const t0 = Date.now();
/** Names this run's staff, units, request ids and idempotency keys. */
const runId = `fr${Date.now().toString(36)}`;
let apiUrl = '';
const secs = (ms = Date.now() - t0) => (ms / 1000).toFixed(1);
const say = (msg: string) => console.log(`fault-run: [${secs()} s] ${msg}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const jitter = (min: number, max: number) => min + Math.random() * (max - min);

// ---- the cluster's command line ----

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(cmd, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

async function cluster(...args: string[]): Promise<string> {
  const r = await run('bash', [path.join(projectRoot, 'scripts', 'cluster.sh'), ...args]);
  if (r.code !== 0) throw new Error(`scripts/cluster.sh ${args.join(' ')} failed: ${r.err || r.out}`);
  return r.out;
}

const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
async function projectCommand(script: string, args: string[]): Promise<string> {
  const r = await run(tsx, [path.join('scripts', script), ...args]);
  if (r.code !== 0) throw new Error(`${script} ${args.join(' ')} failed: ${r.err || r.out}`);
  return r.out;
}

// ---- phases ----

interface Phase {
  name: string;
  fault: string;
  /** The process killed with -9 and started again (scripts/cluster.sh kill / start-one), or restarted (scripts/cluster.sh restart). */
  target?: string;
  restart?: boolean;
  requests: number;
  retried503: number;
  retriedConn: number;
  failures: number;
  finished: number;
  /** The longest a request of the phase took to succeed, its retries included (ms). */
  slowest: number;
  downFor?: string;
}
const phases: Phase[] = [
  { name: 'baseline', fault: '-' },
  { name: 'worker', fault: 'kill -9 worker-1, restart', target: 'worker-1' },
  { name: 'api', fault: 'kill -9 api-1, restart', target: 'api-1' },
  { name: 'history', fault: 'kill -9 temporal-history, restart', target: 'temporal-history' },
  pgFault === 'kill' ? { name: 'postgres', fault: 'kill -9 postmaster, start', target: 'pg' } : { name: 'postgres', fault: 'pg_ctl restart -m fast', target: 'pg', restart: true },
  { name: 'drain', fault: '- (open cases finish)' },
].map((p) => ({ ...p, requests: 0, retried503: 0, retriedConn: 0, failures: 0, finished: 0, slowest: 0 }));
let phase = 0;
const current = () => phases[phase];

// ---- HTTP through the load balancer ----

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
interface Answer<T = unknown> {
  status: number;
  body: T;
}
interface Failure {
  phase: string;
  request: string;
  status: number | string;
  body: string;
}
const failures: Failure[] = [];
const retryLog: { phase: string; request: string; why: string }[] = [];

function send(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { ...headers, ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON: kept as text */
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.setTimeout(120_000, () => req.destroy(Object.assign(new Error('no answer in 120 s'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(data);
  });
}

const connectionErrors = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * One logical request: retried (same X-Request-Id, same Idempotency-Key) only after a 503
 * or a connection error; any other non-2xx is a failure (undefined is returned).
 */
async function request<T>(label: string, method: string, route: string, token: string, body?: unknown, idempotencyKey?: string): Promise<T | undefined> {
  const requestId = `${runId}.${label}`.replace(/[^A-Za-z0-9._:-]/g, '_');
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'x-request-id': requestId, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) };
  const first = current();
  first.requests++;
  const started = Date.now();
  const deadline = started + 300_000;
  for (let attempt = 0; ; attempt++) {
    let why: string;
    try {
      const answer = await send(method, `${apiUrl}${route}`, headers, body);
      if (answer.status >= 200 && answer.status < 300) {
        first.slowest = Math.max(first.slowest, Date.now() - started);
        return answer.body as T;
      }
      if (answer.status !== 503) {
        current().failures++;
        failures.push({ phase: current().name, request: `${method} ${route} (${label})`, status: answer.status, body: JSON.stringify(answer.body).slice(0, 300) });
        return undefined;
      }
      current().retried503++;
      why = `503 ${(answer.body as { code?: string; error?: string }).code ?? (answer.body as { error?: string }).error ?? ''}`;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      if (!connectionErrors.has(code) && !/socket hang up/.test(String(err))) {
        current().failures++;
        failures.push({ phase: current().name, request: `${method} ${route} (${label})`, status: code, body: String(err) });
        return undefined;
      }
      current().retriedConn++;
      why = code;
    }
    retryLog.push({ phase: current().name, request: `${method} ${route} (${label})`, why });
    if (Date.now() > deadline) {
      current().failures++;
      failures.push({ phase: current().name, request: `${method} ${route} (${label})`, status: 'gave up', body: `still ${why} after 300 s` });
      return undefined;
    }
    await sleep(Math.min(4_000, 300 * 2 ** Math.min(attempt, 4)));
  }
}

// ---- staff ----

interface Staff {
  id: string;
  token: string;
}
interface Centre {
  id: string;
  csr: Staff;
  technician: Staff;
  supervisor: Staff;
}

async function addStaff(id: string, name: string, role: string, centre: string): Promise<Staff> {
  const out = await projectCommand('staff.ts', ['add', '--id', id, '--name', name, '--role', role, ...(centre === 'default' ? [] : ['--centre', centre]), '--label', 'fault-run']);
  const issued = JSON.parse(out) as { token: string };
  return { id, token: issued.token };
}

async function setUpCentres(): Promise<Centre[]> {
  await projectCommand('centres.ts', ['add', '--id', 'north', '--name', '北区服务中心']);
  return Promise.all(
    ['default', 'north'].map(async (centre) => {
      const [csr, technician, supervisor] = await Promise.all([
        addStaff(`${runId}-csr-${centre}`, '客服', 'csr', centre),
        addStaff(`${runId}-tech-${centre}`, '维修工', 'technician', centre),
        addStaff(`${runId}-sup-${centre}`, '主管', 'supervisor', centre),
      ]);
      return { id: centre, csr, technician, supervisor };
    }),
  );
}

// ---- the procedures, as the API drives them ----

interface Step {
  action: string;
  who: 'csr' | 'technician' | 'supervisor';
  input: unknown;
  stage: string;
}
interface Procedure {
  name: 'repair' | 'complaint';
  route: string;
  open: (unit: string) => unknown;
  openedStage: string;
  steps: Step[];
  /** The audit trail a case ends with: its system steps and every action, once each, in order. */
  trail: string[];
}

const charges = [
  { kind: 'labour', item: '更换阀芯人工', amountFen: 3_000 },
  { kind: 'material', item: '陶瓷阀芯', amountFen: 2_500 },
];
const repair: Procedure = {
  name: 'repair',
  route: '/repairs',
  open: (unit) => ({ unit, ownerName: '张先生', ownerPhone: '13812345678', fault: '厨房水龙头漏水', channel: 'phone' }),
  openedStage: 'recording',
  steps: [
    { action: 'fillServiceRecord', who: 'csr', input: {}, stage: 'dispatching' },
    { action: 'respondToOwner', who: 'csr', input: { channel: 'phone', note: '已回电，师傅马上到' }, stage: 'dispatching' },
    { action: 'takeJob', who: 'technician', input: {}, stage: 'inProgress' },
    { action: 'reportCompletion', who: 'technician', input: { workDone: '更换阀芯，试水无渗漏', charges }, stage: 'awaitingReturnVisit' },
    { action: 'recordReturnVisit', who: 'csr', input: { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false }, stage: 'closed' },
  ],
  trail: ['register', 'fillServiceRecord', 'respondToOwner', 'takeJob', 'reportCompletion', 'recordReturnVisit', 'close'],
};
const complaint: Procedure = {
  name: 'complaint',
  route: '/complaints',
  open: (unit) => ({ unit, customerName: '王女士', customerPhone: '13700000000', channel: 'phone', matter: '楼道卫生', content: '楼道垃圾两天无人清理' }),
  openedStage: 'verifying',
  steps: [
    { action: 'verify', who: 'csr', input: { valid: true }, stage: 'grading' },
    { action: 'grade', who: 'supervisor', input: { grade: 'general', route: 'inScope', method: '当日安排保洁清理' }, stage: 'handling' },
    { action: 'recordHandling', who: 'csr', input: { resolution: '已安排保洁清理并加派巡查' }, stage: 'replying' },
    { action: 'replyToCustomer', who: 'csr', input: { channel: 'phone', satisfied: true }, stage: 'awaitingReturnVisit' },
    { action: 'recordReturnVisit', who: 'csr', input: { satisfied: true }, stage: 'awaitingAnalysis' },
    { action: 'recordAnalysis', who: 'supervisor', input: { cause: '保洁排班不足', prevention: '增加楼道保洁频次' }, stage: 'closed' },
  ],
  trail: ['receive', 'verify', 'grade', 'recordHandling', 'replyToCustomer', 'recordReturnVisit', 'recordAnalysis', 'close'],
};

interface CaseRun {
  n: number;
  procedure: Procedure;
  centre: Centre;
  unit: string;
  caseId?: string;
  done: boolean;
  problem?: string;
}
const cases: CaseRun[] = [];
/** Deadlines a fault made a case miss: not a violation (nothing was lost), but reported. */
const breaches: string[] = [];

/** One case from its opening to its end; answers what went wrong, if anything. */
async function driveCase(c: CaseRun): Promise<string | undefined> {
  const p = c.procedure;
  const label = `${p.name}${c.n}`;
  const opened = await request<{ caseId: string; stage: string }>(`${label}.open`, 'POST', p.route, c.centre.csr.token, p.open(c.unit), `${runId}-${label}`);
  if (!opened) return 'open failed';
  c.caseId = opened.caseId;
  if (opened.stage !== p.openedStage) return `opened in stage ${opened.stage}`;
  for (const step of p.steps) {
    await sleep(jitter(600, 1_500));
    const view = await request<{ stage: string }>(`${label}.${step.action}`, 'POST', `${p.route}/${c.caseId}/actions/${step.action}`, c.centre[step.who].token, step.input);
    if (!view) return `${step.action} failed`;
    if (view.stage !== step.stage) {
      current().failures++;
      failures.push({ phase: current().name, request: `${step.action} (${label})`, status: 200, body: `stage ${view.stage}, expected ${step.stage}` });
      return `${step.action}: stage ${view.stage}`;
    }
  }
  if (!(await request(`${label}.history`, 'GET', `${p.route}/${c.caseId}/history`, c.centre.csr.token))) return 'history failed';
  c.done = true;
  current().finished++;
  return undefined;
}

// ---- the phases' faults ----

async function runPhases(openCases: (count: number) => Promise<void>[]): Promise<Promise<void>[]> {
  const running: Promise<void>[] = [];
  for (phase = 0; phase < phases.length - 1; phase++) {
    const p = current();
    say(`phase ${p.name}: ${p.fault}`);
    running.push(...openCases(casesPerPhase));
    if (!p.target) {
      await sleep(12_000);
      continue;
    }
    await sleep(4_000);
    const down = Date.now();
    if (p.restart) {
      say(`  restarting ${p.target}`);
      await cluster('restart', p.target);
    } else {
      say(`  ${(await cluster('kill', p.target)).trim()}`);
      await sleep(5_000);
      say(`  starting ${p.target} again`);
      await cluster('start-one', p.target);
    }
    p.downFor = `${secs(Date.now() - down)} s`;
    say(`  ${p.target} back after ${p.downFor}`);
    await sleep(8_000);
  }
  say(`phase drain: waiting for the open cases`);
  return running;
}

// ---- the checks ----

interface Violation {
  caseId: string;
  what: string;
}

async function check(client: Client): Promise<Violation[]> {
  const { openSharedDb } = await import('../db/client');
  const db = await openSharedDb();
  const v: Violation[] = [];
  try {
    for (const c of cases) {
      if (!c.caseId) {
        v.push({ caseId: `#${c.n}`, what: `never opened (${c.problem ?? '?'})` });
        continue;
      }
      const id = c.caseId;
      if (!c.done) {
        // Left where its failed request stopped it: still, no step may be on record twice.
        v.push({ caseId: id, what: `not driven to its end: ${c.problem ?? '?'}` });
        const actions = (await db.auditEntry.findMany({ where: { caseId: id }, orderBy: { seq: 'asc' } })).map((a) => a.action);
        if (JSON.stringify(actions) !== JSON.stringify(c.procedure.trail.slice(0, actions.length))) v.push({ caseId: id, what: `audit trail ${actions.join(',')}` });
        continue;
      }
      // Temporal: the workflow closed, each staff action accepted once.
      const handle = client.workflow.getHandle(`${c.procedure.name}-${id}`);
      let status = 'RUNNING';
      for (let i = 0; i < 60 && status === 'RUNNING'; i++) {
        status = (await handle.describe()).status.name;
        if (status === 'RUNNING') await sleep(1_000);
      }
      if (status !== 'COMPLETED') v.push({ caseId: id, what: `workflow ${status}` });
      const accepted = new Map<string, number>();
      for (const e of (await handle.fetchHistory()).events ?? []) {
        const name = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
        if (name) accepted.set(name, (accepted.get(name) ?? 0) + 1);
      }
      for (const step of c.procedure.steps) {
        const n = accepted.get(`${c.procedure.name}.${step.action}`) ?? 0;
        if (n !== 1) v.push({ caseId: id, what: `update ${step.action} accepted ${n} times` });
      }
      // Records: one Case row for the receipt (and for its unit), closed; the audit trail exactly as expected.
      const rows = await db.case.findMany({ where: { unit: c.unit } });
      if (rows.length !== 1 || rows[0].id !== id) v.push({ caseId: id, what: `${rows.length} Case rows for unit ${c.unit}` });
      const row = rows.find((r) => r.id === id);
      if (!row?.closedAt || row.outcome !== 'closed' || row.stage !== 'closed') v.push({ caseId: id, what: `Case row stage ${row?.stage}, outcome ${row?.outcome}` });
      if (row && row.centre !== c.centre.id) v.push({ caseId: id, what: `centre ${row.centre}, expected ${c.centre.id}` });
      const trail = await db.auditEntry.findMany({ where: { caseId: id }, orderBy: { seq: 'asc' } });
      const actions = trail.map((a) => a.action);
      if (JSON.stringify(actions) !== JSON.stringify(c.procedure.trail)) v.push({ caseId: id, what: `audit trail ${actions.join(',')}` });
      if (trail.some((a, i) => a.seq !== i + 1)) v.push({ caseId: id, what: `audit seqs ${trail.map((a) => a.seq).join(',')}` });
      if (new Set(trail.map((a) => a.key)).size !== trail.length) v.push({ caseId: id, what: 'duplicate step keys' });
      // No message and no clock event twice (same recipient and text; same clock, kind, level and time due).
      const notes = await db.notification.findMany({ where: { caseId: id } });
      const noteKeys = notes.map((n) => `${n.recipient}|${n.text}`);
      if (new Set(noteKeys).size !== noteKeys.length) v.push({ caseId: id, what: `duplicate notifications: ${noteKeys.filter((k, i) => noteKeys.indexOf(k) !== i).join('; ')}` });
      const events = await db.deadlineEvent.findMany({ where: { caseId: id } });
      const eventKeys = events.map((e) => `${e.clock}|${e.kind}|${e.level ?? ''}|${e.dueAt?.toISOString() ?? ''}|${e.recipient ?? ''}`);
      if (new Set(eventKeys).size !== eventKeys.length) v.push({ caseId: id, what: `duplicate clock events: ${eventKeys.filter((k, i) => eventKeys.indexOf(k) !== i).join('; ')}` });
      for (const e of events) if (e.kind === 'breached') breaches.push(`${id} ${e.clock}`);
      const filed = await db.ownerFileEntry.count({ where: { ref: id } });
      if (filed !== 1) v.push({ caseId: id, what: `${filed} owner-file entries` });
      if (c.procedure === repair) {
        const charged = await db.charge.findMany({ where: { caseId: id }, orderBy: { id: 'asc' } });
        if (JSON.stringify(charged.map((x) => [x.kind, x.amountFen])) !== JSON.stringify(charges.map((x) => [x.kind, x.amountFen]))) v.push({ caseId: id, what: `charges ${charged.map((x) => `${x.kind}:${x.amountFen}`).join(',')}` });
        const visits = await db.returnVisit.count({ where: { caseId: id } });
        if (visits !== 1) v.push({ caseId: id, what: `${visits} return visits` });
        const record = await db.serviceRecord.findUnique({ where: { caseId: id } });
        if (record?.technician !== c.centre.technician.id || !record.completedAt) v.push({ caseId: id, what: `service record ${JSON.stringify(record)}` });
      }
    }
    // One receipt per Idempotency-Key, each with its stored answer.
    const opens = await db.idempotentOpen.findMany({ where: { key: { startsWith: `${runId}-` } } });
    const opened = cases.filter((c) => c.caseId);
    if (opens.length !== opened.length || opens.some((o) => o.response === null || !opened.some((c) => c.caseId === o.caseId))) {
      v.push({ caseId: '-', what: `${opens.length} idempotent opens for ${opened.length} cases opened (${opens.filter((o) => o.response === null).length} without an answer)` });
    }
  } finally {
    await db.$disconnect();
  }
  return v;
}

// ---- main ----

async function main(): Promise<void> {
  loadClusterEnv();
  apiUrl = process.env.CLUSTER_API_URL ?? 'http://127.0.0.1:3000';
  say(`run ${runId}: ${casesPerPhase} cases per phase through ${apiUrl}; cluster status:`);
  console.log((await cluster('status')).trimEnd());
  const centres = await setUpCentres();
  say(`centres ${centres.map((c) => c.id).join(', ')}: a csr, a technician and a supervisor each (scripts/staff.ts)`);

  let n = 0;
  const openCases = (count: number): Promise<void>[] =>
    Array.from({ length: count }, (_, i) => {
      const k = n++;
      const c: CaseRun = { n: k, procedure: i % 5 === 4 ? complaint : repair, centre: centres[k % 2], unit: `FR-${runId}-${k}`, done: false };
      cases.push(c);
      // Spread over the phase's first seconds, so cases are in every step when the fault hits.
      return sleep(i * 700)
        .then(() => driveCase(c))
        .then((problem) => {
          c.problem = problem;
        });
    });
  const phaseStart = Date.now();
  const running = await runPhases(openCases);
  await Promise.all(running);
  const driveTime = secs(Date.now() - phaseStart);
  phase = phases.length - 1;
  say(`all ${cases.length} cases driven in ${driveTime} s; checking Temporal and the records database`);

  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const { payloadDataConverter } = await import('../worker/payloadCodec');
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default', dataConverter: payloadDataConverter() });
  const violations = await check(client);
  await connection.close();
  agent.destroy();

  const rows = [['phase', 'fault', 'down for', 'requests', '503s retried', 'conn. errors retried', 'failures', 'slowest request', 'cases finished']];
  for (const p of phases) rows.push([p.name, p.fault, p.downFor ?? '-', String(p.requests), String(p.retried503), String(p.retriedConn), String(p.failures), `${secs(p.slowest)} s`, String(p.finished)]);
  const total = (f: (p: Phase) => number) => String(phases.reduce((s, p) => s + f(p), 0));
  rows.push(['total', '', '', total((p) => p.requests), total((p) => p.retried503), total((p) => p.retriedConn), total((p) => p.failures), `${secs(Math.max(...phases.map((p) => p.slowest)))} s`, total((p) => p.finished)]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const line = (r: string[]) => `| ${r.map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length)).join(' | ')} |`;
  const table = [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');

  const byProcedure = (p: Procedure) => cases.filter((c) => c.procedure === p).length;
  const byCentre = centres.map((ce) => `${ce.id} ${cases.filter((c) => c.centre === ce).length}`).join(', ');
  const verdict = failures.length === 0 && violations.length === 0 ? 'PASS' : 'FAIL';
  const report = [
    '',
    table,
    '',
    `cases: ${cases.length} (${byProcedure(repair)} repairs, ${byProcedure(complaint)} complaints; ${byCentre}), closed in Temporal and in the records: ${cases.length - new Set(violations.map((x) => x.caseId)).size} without a violation`,
    `retries by cause: ${Object.entries(retryLog.reduce<Record<string, number>>((m, r) => ({ ...m, [r.why]: (m[r.why] ?? 0) + 1 }), {})).map(([k, c]) => `${k} ×${c}`).join(', ') || 'none'}`,
    `checked: workflow COMPLETED, each staff action accepted once, one Case row per receipt, audit trail exactly as expected, no duplicate step keys, notifications or clock events, charges, return visit, service record and owner-file entry once, one idempotent open per case`,
    `deadlines breached while a fault held a case up: ${breaches.length === 0 ? 'none' : breaches.join(', ')}`,
    ...failures.map((f) => `FAILED REQUEST [${f.phase}] ${f.request}: ${f.status} ${f.body}`),
    ...violations.map((x) => `VIOLATION ${x.caseId}: ${x.what}`),
    `verdict: ${verdict} (${failures.length} failed requests, ${violations.length} violations) in ${secs()} s`,
  ].join('\n');
  console.log(report);
  fs.writeFileSync(path.join(clusterDir, 'logs', `fault-run-${runId}.txt`), `${report}\n`);
  process.exit(verdict === 'PASS' ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
