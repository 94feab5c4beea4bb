/**
 * `npm run attack`: a hostile and careless front desk against a running system
 * (`npm start` in another terminal). Malformed and extreme input, every role
 * on every route, concurrent requests, retries; then what each left behind.
 *
 *   npm run attack -- [--url http://127.0.0.1:3000] [--rounds 4] [--temporal-db .data/temporal.db]
 *
 * It prints what it sent, the status histogram and the five figures that must
 * be zero: 5xx answers, rows written by refused requests, silent drops (a 201
 * whose paper is not in the file), misleading 201s (two loans of one key both
 * confirmed, two "created" answers for one Idempotency-Key), and owner phones
 * in clear in the Temporal dev server's database file (`.data/temporal.db`).
 * Staff accounts `attack-*` are added to the database it shares with the API.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addStaffMember } from '../api/staffTokens';
import { openSharedDb } from '../db/client';
import { projectRoot } from '../db/config';
import type { Role } from '../workflows/lib/roles';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    rounds: { type: 'string', default: '4' },
    /** The dev server's database file to scan (npm start's, by default). */
    'temporal-db': { type: 'string', default: path.join(projectRoot, '.data', 'temporal.db') },
  },
});
const base = values.url;
const rounds = Math.max(1, Number(values.rounds));
const run = randomUUID().slice(0, 6);

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

const statuses = new Map<number, number>();
const fivexx: string[] = [];
let sent = 0;

async function send(method: string, route: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}, raw?: string): Promise<Reply> {
  sent++;
  let res: Response;
  try {
    res = await fetch(`${base}${route}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined || raw !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    // No answer within 30 s counts with the 5xx: the front desk is left waiting.
    statuses.set(0, (statuses.get(0) ?? 0) + 1);
    fivexx.push(`${method} ${route} → no answer within 30 s (${err instanceof Error ? err.name : 'error'}) ${JSON.stringify(body ?? raw ?? '').slice(0, 100)}`);
    return { status: 0, body: {}, headers: new Headers() };
  }
  const text = await res.text();
  statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  if (res.status >= 500 && res.status !== 503) fivexx.push(`${method} ${route} → ${res.status} ${text.slice(0, 120)}`);
  if (res.status === 503) fivexx.push(`${method} ${route} → 503 ${text.slice(0, 120)}`);
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

const inBatches = async <T>(tasks: (() => Promise<T>)[], width = 16): Promise<T[]> => {
  const out: T[] = [];
  for (let i = 0; i < tasks.length; i += width) out.push(...(await Promise.all(tasks.slice(i, i + width).map((t) => t()))));
  return out;
};

const phone = (i: number) => `139${run.replace(/\D/g, '7').padEnd(4, '7').slice(0, 4)}${String(i).padStart(4, '0')}`;

async function main(): Promise<void> {
  const db = await openSharedDb();
  const tokens = {} as Record<Role, string>;
  for (const role of ['csr', 'technician', 'supervisor', 'manager', 'executive', 'department'] as Role[]) {
    tokens[role] = (await addStaffMember(db, { id: `attack-${role}`, name: `攻击测试${role}`, role }, 'attack')).token;
  }
  const phones: string[] = [];
  const refusedUnits = new Set<string>();
  let misleading201 = 0;
  let silentDrops = 0;

  for (let round = 0; round < rounds; round++) {
    const unit = (k: string) => `AT-${run}-${round}-${k}`;
    // 1. Malformed and extreme registrations: each must be refused, and write nothing.
    const bad: unknown[] = [
      {},
      { unit: unit('a'), ownerName: '张', ownerPhone: '138', fault: '', channel: 'phone' },
      { unit: unit('b'), ownerName: '\u200B\u200B', ownerPhone: '13800000000', fault: '漏水', channel: 'phone' },
      { unit: unit('c'), ownerName: '张先生', ownerPhone: '13800000000', fault: '漏\u0000水', channel: 'phone' },
      { unit: unit('d'), ownerName: '张先生', ownerPhone: '13800000000', fault: 'x'.repeat(5000), channel: 'phone' },
      { unit: unit('e'), ownerName: '张先生', ownerPhone: '13800000000', fault: '漏水', channel: 'fax' },
      { unit: unit('f'), ownerName: '张先生', ownerPhone: '13800000000', fault: '漏水', channel: 'phone', extra: true },
      { unit: unit('g'), ownerName: 42, ownerPhone: null, fault: [], channel: {} },
      { unit: unit('h'), ownerName: '张先生', ownerPhone: '13800000000', fault: '\uD800', channel: 'phone' },
    ];
    for (const [i, b] of bad.entries()) {
      for (const role of ['csr', 'technician', 'department'] as Role[]) {
        const r = await send('POST', '/repairs', tokens[role], b);
        if (r.status < 400) misleading201++;
        refusedUnits.add(unit(String.fromCharCode(97 + i)));
      }
    }
    for (const raw of ['{', '[]', 'null', '"x"', '{"unit":', '\u0000']) await send('POST', '/repairs', tokens.csr, undefined, {}, raw);
    await send('POST', '/repairs', tokens.csr, undefined, { 'Content-Type': 'application/json; charset=latin1' }, '{}');
    await send('POST', '/complaints', tokens.csr, { customerName: '', customerPhone: 'abc' });
    await send('POST', '/keys/loans', tokens.csr, { keyId: '../../etc/passwd' });
    await send('POST', '/events/plans', tokens.csr, { events: [{ title: '万年后', date: '9999-12-31' }, { title: '二月三十', date: '2027-02-30' }] });
    // 2. Bad tokens and wrong roles on every kind of route.
    for (const t of [undefined, 'pst_000000000000_' + 'x'.repeat(43), 'garbage', tokens.technician]) {
      for (const [m, route] of [['GET', '/inbox'], ['GET', '/cases'], ['GET', '/reports/monthly?month=2026-12'], ['GET', '/cases/stuck'], ['POST', '/cases/reassign'], ['GET', `/archives/${unit('x')}`], ['POST', '/codec/decode']] as const) {
        await send(m, route, t, m === 'POST' ? { payloads: [] } : undefined);
      }
    }
    for (const route of ['/repairs/BX20260101-AAAAAA', '/repairs/../../x', '/repairs/%00', `/complaints/TS${'9'.repeat(200)}`, '/no/such/route']) await send('GET', route, tokens.csr);

    // 3. A real repair, then hostile actions on it: far-future, ancient and malformed instants.
    const opened = await send('POST', '/repairs', tokens.csr, { unit: unit('ok'), ownerName: '欧阳先生', ownerPhone: phone(round), fault: '厨房水槽堵塞', channel: 'phone' });
    phones.push(phone(round));
    const caseId = typeof opened.body['caseId'] === 'string' ? opened.body['caseId'] : '';
    if (opened.status === 201) {
      const filled = await send('POST', `/repairs/${caseId}/actions/fillServiceRecord`, tokens.csr, {});
      if (filled.status !== 200) fivexx.push(`filling the service record of a fresh repair answered ${filled.status}`);
      for (const at of ['9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2001-09-09T01:46:40Z', 'tomorrow', '2026-13-01T00:00:00Z', new Date(Date.now() + 400 * 86_400_000).toISOString()]) {
        const r = await send('POST', `/repairs/${caseId}/actions/bookAppointment`, tokens.csr, { at, reason: '业主约定' });
        if (r.status < 400) misleading201++;
      }
      for (const [name, input, role] of [
        ['takeJob', {}, 'csr'],
        ['reportCompletion', { workDone: '' }, 'technician'],
        ['respondToOwner', { channel: 'phone', note: '\u0007' }, 'csr'],
        ['noSuchAction', {}, 'csr'],
      ] as const) {
        await send('POST', `/repairs/${caseId}/actions/${name}`, tokens[role], input);
      }
      // The case still takes its next action.
      const ok = await send('POST', `/repairs/${caseId}/actions/bookAppointment`, tokens.csr, { at: new Date(Date.now() + 86_400_000).toISOString(), reason: '业主明天在家' });
      if (ok.status !== 200) fivexx.push(`a valid appointment after the hostile ones answered ${ok.status}`);
    }

    // 4. Filing papers: versions kept, retries recognised by key, never by content.
    const ref = `ZX-${run}-${round}`;
    const file = (u: string, summary: string, key?: string) => send('POST', `/archives/${u}/entries`, tokens.csr, { kind: 'renovation', ref, summary }, key ? { 'Idempotency-Key': key } : {});
    const filedUnit = unit('file');
    const expected: string[] = [];
    for (const summary of ['装修申请表', '装修申请表（第二版）']) if ((await file(filedUnit, summary)).status === 201) expected.push(summary);
    const key = randomUUID();
    if ((await file(filedUnit, '装修验收单', key)).status === 201) expected.push('装修验收单');
    const retried = await file(filedUnit, '装修验收单', key);
    if (retried.status === 201) misleading201++;
    if ((await file(filedUnit, '另一份', key)).status < 400) misleading201++;
    if ((await file(unit('other'), '装修申请表')).status === 201) {
      const other = await send('GET', `/archives/${unit('other')}`, tokens.csr);
      if (!JSON.stringify(other.body).includes('装修申请表')) silentDrops++;
    }
    const read = await send('GET', `/archives/${filedUnit}`, tokens.csr);
    const summaries = ((read.body['entries'] as { summary: string }[] | undefined) ?? []).map((e) => e.summary);
    silentDrops += expected.filter((s) => !summaries.includes(s)).length;
    if (summaries.length !== expected.length) misleading201 += Math.max(0, summaries.length - expected.length);
    for (const summary of ['\u200B \uFEFF', '带\u0000空字符', '\u001B[31m']) {
      await send('POST', `/archives/${unit('refused')}/entries`, tokens.csr, { kind: 'renovation', ref, summary });
    }
    refusedUnits.add(unit('refused'));

    // 5. Concurrency: ten opens with one Idempotency-Key; two loans of one key at once.
    const idem = randomUUID();
    const tens = await Promise.all(
      Array.from({ length: 10 }, () => send('POST', '/repairs', tokens.csr, { unit: unit('idem'), ownerName: '钱女士', ownerPhone: phone(100 + round), fault: '门锁损坏', channel: 'phone' }, { 'Idempotency-Key': idem })),
    );
    phones.push(phone(100 + round));
    const created = tens.filter((r) => r.status === 201).length;
    if (created !== 1) misleading201 += Math.abs(created - 1);
    const keyUnit = unit('key');
    const added = await send('POST', '/keys', tokens.supervisor, { unit: keyUnit, part: 'unitDoor' });
    if (added.status === 201) {
      const keyId = typeof added.body['id'] === 'string' ? added.body['id'] : '';
      const loans = await Promise.all(
        ['工程部 赵师傅', '秩序部 钱队长'].map((borrower) => send('POST', '/keys/loans', tokens.csr, { keyId, borrower, purpose: '入户检修', signatureRef: 'sig-1' }, { 'Idempotency-Key': randomUUID() })),
      );
      const lent = loans.filter((r) => r.status === 201).length;
      if (lent !== 1) misleading201 += Math.abs(lent - 1);
    }
    // 6. Many small malformed requests, quickly (the bulk of the count).
    await inBatches(
      Array.from({ length: 420 }, (_, i) => () => {
        const k = i % 7;
        if (k === 0) return send('GET', `/inbox?limit=${['-1', '0', '100000', 'abc', '1e9'][i % 5]}`, tokens.csr);
        if (k === 1) return send('GET', `/cases?stage=${'x'.repeat(i % 3 === 0 ? 500 : 3)}&overdue=maybe`, tokens.supervisor);
        if (k === 2) return send('POST', `/repairs/${caseId || 'BX20260101-AAAAAA'}/actions/respondToOwner`, tokens.technician, { channel: 'phone', note: '技术员冒充客服' });
        if (k === 3) return send('POST', '/repairs', tokens.csr, { unit: unit(`bulk${i}`), ownerName: '', ownerPhone: 'x', fault: '', channel: 'phone' });
        if (k === 4) return send('GET', `/archives/${unit('x')}`, tokens.department);
        if (k === 5) return send('POST', '/codec/decode', tokens.technician, { payloads: [] });
        return send('POST', '/repairs', tokens.csr, undefined, {}, '{"unit": "' + 'A'.repeat(70_000) + '"}');
      }),
    );
    for (let i = 0; i < 420; i += 7) refusedUnits.add(unit(`bulk${i + 3}`));
  }

  // What refused requests left behind: no case, no paper for any unit only refused requests named.
  const units = [...refusedUnits];
  const rowsFromRefused = (await db.case.count({ where: { unit: { in: units } } })) + (await db.ownerFileEntry.count({ where: { unit: { in: units } } }));
  // Owner phones in clear in the Temporal dev server's database (history, visibility, WAL).
  const files = [values['temporal-db'], `${values['temporal-db']}-wal`].filter((f) => fs.existsSync(f));
  let phonesInTemporal = 0;
  // A control: the unit of a case this run opened is in clear there (a search attribute), so the scan reads the right data.
  let controlSeen = false;
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    for (const p of phones) if (bytes.includes(p)) phonesInTemporal++;
    if (bytes.includes(`AT-${run}-0-ok`)) controlSeen = true;
  }
  await db.$disconnect();

  const table = [
    ['requests sent', sent, '≥ 2000'],
    ['status histogram', [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' '), ''],
    ['5xx answers (and requests left without an answer, status 0)', fivexx.length, '0'],
    ['rows written by refused requests', rowsFromRefused, '0'],
    ['silent drops (201, not in the file)', silentDrops, '0'],
    ['misleading 201s', misleading201, '0'],
    [`owner phones in clear in ${files.map((f) => path.basename(f)).join(', ') || '(no dev server database found)'}`, files.length ? `${phonesInTemporal} of ${phones.length} (control: this run's unit ${controlSeen ? 'found' : 'NOT found'})` : 'not checked', '0'],
  ];
  for (const [what, value, target] of table) console.log(`${String(what).padEnd(52)} ${String(value).padEnd(40)} ${target}`);
  for (const line of fivexx.slice(0, 10)) console.log(`  ${line}`);
  const failed = fivexx.length + rowsFromRefused + silentDrops + misleading201 + (typeof phonesInTemporal === 'number' ? phonesInTemporal : 0) > 0 || sent < 2000;
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
