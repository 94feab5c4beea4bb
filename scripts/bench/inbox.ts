/**
 * What the inbox and the case list cost at N open cases, the query alone: a
 * fresh SQLite database (migrated, WAL, as production's embedded default) is
 * filled with N open repairs and complaints as their workflows write them
 * (case rows and their duties: technicians' untaken jobs, csrs' replies, held
 * jobs, breached cases for the supervisors), then pages of `GET /inbox` and
 * `GET /cases` are read through the API's own functions, for a csr, a
 * technician and a supervisor. The same run does it at N/10 first: the ratio
 * says how the query grows with the number of cases. No Temporal, no load
 * beside it (the `--scale` mode measures the same reads under timers).
 *
 *   npm run bench -- --inbox [N]    (default 10,000; reads 200 pages per reader)
 */
import type { CentreScope } from '../../api/centres';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { inboxOf, listCases } from '../../api/cases';
import { openSharedDb, type Db } from '../../db/client';
import { projectRoot } from '../../db/config';
import { rebuildInbox } from '../../worker/inboxRebuild';
import type { Actor } from '../../workflows/lib/roles';

/** Every reader works for the one centre the cases belong to (the filter a centre's staff always carry). */
const oneCentre: CentreScope = { all: false, centres: ['default'] };
import { f1, percentile } from './stats';

const readers: Actor[] = [
  { id: 'csr-0', role: 'csr' },
  { id: 'tech-0', role: 'technician' },
  { id: 'sup-0', role: 'supervisor' },
];
const pagesPerReader = 200;

async function seed(db: Db, n: number): Promise<void> {
  const t0 = Date.parse('2026-12-09T02:00:00Z');
  const batch = 500;
  for (let from = 0; from < n; from += batch) {
    const cases = [];
    const duties = [];
    for (let i = from; i < Math.min(n, from + batch); i++) {
      const id = `BX20261209-${String(i).padStart(6, '0')}`;
      const openedAt = new Date(t0 + i * 7_000);
      const csr = `csr-${i % 20}`;
      const kind = i % 4; // untaken job, held job, breached job, complaint being graded
      const due = new Date(openedAt.getTime() + (kind === 0 ? 5 : kind === 1 ? 8 * 60 : 60) * 60_000);
      const procedure = kind === 3 ? 'complaint' : 'repair';
      const stage = kind === 0 || kind === 2 ? 'dispatching' : kind === 1 ? 'inProgress' : 'grading';
      cases.push({
        id,
        procedure,
        workflowId: `${procedure}-${id}`,
        unit: `${1 + (i % 30)}-${1 + (i % 4)}-${100 + (i % 900)}`,
        ownerName: '业主',
        ownerPhone: '13800000000',
        summary: '批量',
        firstReceiver: csr,
        assignee: kind === 1 ? `tech-${i % 10}` : null,
        stage,
        waitingWho: kind === 3 ? '客服主管' : '工程部',
        waitingStep: kind === 3 ? '投诉定级' : '派工接单',
        waitingDueAt: due,
        nextDueAt: due,
        wakeAt: due,
        breached: kind === 2,
        openedAt,
        version: 1,
      });
      duties.push(
        { caseId: id, version: 1, seq: 0, owner: 'staff:' + csr, step: '回复业主', dueAt: new Date(openedAt.getTime() + 3_600_000) },
        { caseId: id, version: 1, seq: 1, owner: kind === 1 ? `staff:tech-${i % 10}` : kind === 3 ? 'role:supervisor' : 'role:technician', step: kind === 3 ? '投诉定级' : '派工接单', dueAt: due },
      );
    }
    await db.case.createMany({ data: cases });
    await db.caseDuty.createMany({ data: duties });
  }
}

async function measure(db: Db, n: number): Promise<{ reader: string; inboxP50: number; inboxP99: number; listP50: number; listP99: number; total: number }[]> {
  const now = new Date(Date.parse('2026-12-09T02:00:00Z') + n * 7_000);
  const out = [];
  for (const actor of readers) {
    const inbox: number[] = [];
    const list: number[] = [];
    let total = 0;
    for (let p = 0; p < pagesPerReader; p++) {
      const offset = (p * 37) % Math.max(1, Math.min(n, 2_000));
      let t = performance.now();
      total = (await inboxOf(db, actor, oneCentre, { limit: 50, offset })).total;
      inbox.push(performance.now() - t);
      t = performance.now();
      await listCases(db, { limit: 50, offset, ...(p % 2 ? { overdue: true } : {}) }, now, oneCentre);
      list.push(performance.now() - t);
    }
    out.push({ reader: actor.role, inboxP50: percentile(inbox, 50), inboxP99: percentile(inbox, 99), listP50: percentile(list, 50), listP99: percentile(list, 99), total });
  }
  return out;
}

async function atScale(n: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-inbox-'));
  const url = `file:${path.join(dir, 'inbox.db')}`;
  execFileSync(path.join(projectRoot, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], { cwd: projectRoot, env: { ...process.env, DATABASE_URL: url }, stdio: 'ignore' });
  const db = await openSharedDb(url);
  try {
    const t = performance.now();
    await seed(db, n);
    const seeded = (performance.now() - t) / 1000;
    // Rows written behind the workflows' back: their inbox lines as the worker builds them at its start.
    const tb = performance.now();
    await rebuildInbox(db, { force: true });
    const built = (performance.now() - tb) / 1000;
    for (let warm = 0; warm < 3; warm++) await inboxOf(db, readers[0], oneCentre, { limit: 50, offset: 0 });
    return { seeded, built, rows: await measure(db, n) };
  } finally {
    await db.$disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const n = Number(process.argv[2] ?? 10_000);
  const small = Math.max(100, Math.round(n / 10));
  console.log(`inbox: ${small} and ${n} open cases (case rows and duties on SQLite, WAL), ${pagesPerReader} pages of 50 per reader; ${os.cpus().length} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const a = await atScale(small);
  const b = await atScale(n);
  console.log(`seeded ${small} in ${f1(a.seeded)} s, ${n} in ${f1(b.seeded)} s; their inbox lines built in ${f1(a.built)} s and ${f1(b.built)} s`);
  console.log('| reader | total at N | inbox p50 / p99 ms at N/10 | at N | p99 ratio | case list p50 / p99 ms at N/10 | at N | p99 ratio | target p99 |');
  console.log('|:---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [i, r] of b.rows.entries()) {
    const s = a.rows[i];
    console.log(
      `| ${r.reader} | ${r.total} | ${f1(s.inboxP50)} / ${f1(s.inboxP99)} | ${f1(r.inboxP50)} / ${f1(r.inboxP99)} | ${f1(r.inboxP99 / s.inboxP99)}× | ${f1(s.listP50)} / ${f1(s.listP99)} | ${f1(r.listP50)} / ${f1(r.listP99)} | ${f1(r.listP99 / s.listP99)}× | < 100 ms ${r.inboxP99 < 100 && r.listP99 < 100 ? 'met' : 'NOT met'} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
