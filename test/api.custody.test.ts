/**
 * The custody routes over real HTTP against a real worker: the key register,
 * loans (a key already out is refused with 409), and owner-file reads that
 * are authorised by role or by an approved access, and always logged.
 */
import { randomUUID } from 'node:crypto';
import type { KeyLoanView } from '../workflows/keys/keyLoan.messages';
import type { Actor } from '../workflows/lib/roles';
import { cleaning, manager } from './support/complaintScenario';
import { useStaffHttp } from './support/http';
import { csr, eventually, supervisor, technician } from './support/scenario';

const ctx = useStaffHttp(csr);

const newUnit = () => `2-1-${randomUUID().slice(0, 6)}`;
const loan = (keyId: string) => ({ keyId, borrower: '工程部 赵师傅', purpose: '入户检修', signatureRef: 'sig-001' });

async function registeredKey(sealed = false): Promise<{ id: string; unit: string }> {
  const unit = newUnit();
  const reply = await ctx.http.post<{ id: string; unit: string; status: string }>('/keys', supervisor, { unit, part: 'unitDoor', sealed });
  expect(reply.status).toBe(201);
  return reply.body;
}

describe('the key register', () => {
  it('when a supervisor adds keys, then they are listed for the unit; a csr may not add one, and a key is registered once', async () => {
    const unit = newUnit();
    expect((await ctx.http.post('/keys', supervisor, { unit, part: 'unitDoor', label: '入户门' })).status).toBe(201);
    expect((await ctx.http.post('/keys', supervisor, { unit, part: 'mailbox', sealed: true })).status).toBe(201);
    expect((await ctx.http.post('/keys', csr, { unit, part: 'storeRoom' })).status).toBe(403);
    const again = await ctx.http.post<{ code: string }>('/keys', manager, { unit, part: 'unitDoor' });
    expect([again.status, again.body.code]).toEqual([409, 'DuplicateKey']);
    const list = await ctx.http.get<{ id: string; status: string }[]>(`/keys?unit=${unit}`);
    expect(list.body.map((k) => [k.id, k.status])).toEqual([
      [`${unit}/mailbox`, 'sealed'],
      [`${unit}/unitDoor`, 'inCabinet'],
    ]);
  });
});

describe('POST /keys/loans', () => {
  it('when two loans of one key are asked for at once, then exactly one is confirmed (201 onLoan) and the other is refused at once (409 KeyOnLoan)', async () => {
    for (let pair = 0; pair < 5; pair++) {
      const key = await registeredKey();
      const ask = (borrower: string) =>
        ctx.http.request<{ stage?: string; code?: string }>('POST', '/keys/loans', csr, { ...loan(key.id), borrower }, undefined, { 'Idempotency-Key': randomUUID() });
      const replies = await Promise.all([ask('工程部 赵师傅'), ask('秩序部 钱队长')]);
      expect(replies.map((r) => [r.status, r.body.stage ?? r.body.code]).sort()).toEqual([
        [201, 'onLoan'],
        [409, 'KeyOnLoan'],
      ]);
      expect(await ctx.sys.db.keyLoan.count({ where: { keyId: key.id } })).toBe(1);
    }
  });

  it('when a key is out, then a second loan is refused with 409 KeyOnLoan; after its return it can be lent again', async () => {
    const key = await registeredKey();
    const first = await ctx.http.post<{ caseId: string; stage: string; dueAt: { return: string } }>('/keys/loans', csr, loan(key.id));
    expect(first.status).toBe(201);
    expect(first.body.caseId).toMatch(/^JY\d{8}-[0-9A-Z]{6}$/);
    expect(first.body.stage).toBe('onLoan');
    await eventually(async () => (await ctx.sys.db.key.findUnique({ where: { id: key.id } }))?.status === 'onLoan');

    const second = await ctx.http.post<{ code: string; message: string }>('/keys/loans', csr, { ...loan(key.id), borrower: '秩序部 钱队长' });
    expect([second.status, second.body.code]).toEqual([409, 'KeyOnLoan']);
    expect(second.body.message).toContain(first.body.caseId);

    const returned = await ctx.http.post<KeyLoanView>(`/keys/loans/${first.body.caseId}/actions/recordReturn`, csr, { condition: 'complete' });
    expect(returned.body.stage).toBe('returned');
    const history = await eventually(async () => {
      const h = await ctx.http.get<{ steps: { action: string; label: string }[] }>(`/keys/loans/${first.body.caseId}/history`);
      return h.body.steps?.some((s) => s.action === 'close') ? h.body : undefined;
    });
    expect(history.steps.map((s) => s.label)).toEqual(['借用申请', '钥匙借出（台账登记）', '钥匙归还验收', '结案']);
    expect((await ctx.http.post('/keys/loans', csr, loan(key.id))).status).toBe(201);
  });

  it('when a technician asks to lend a key, or the key is not registered, then 403 and 404', async () => {
    const key = await registeredKey();
    expect((await ctx.http.post('/keys/loans', technician, loan(key.id))).status).toBe(403);
    const missing = await ctx.http.post<{ code: string }>('/keys/loans', csr, loan(`${newUnit()}/unitDoor`));
    expect([missing.status, missing.body.code]).toEqual([404, 'KeyNotFound']);
  });

  it('when a sealed key is requested, then it waits for the supervisor; a csr cannot approve unsealing (403)', async () => {
    const key = await registeredKey(true);
    const requested = await ctx.http.post<{ caseId: string; stage: string; dueAt: Record<string, string | null> }>('/keys/loans', csr, loan(key.id));
    // The return clock has not started: the workflow's answer has no return due time yet.
    expect(requested.body.stage).toBe('awaitingUnsealApproval');
    expect(requested.body.dueAt).not.toHaveProperty('return');
    const act = (actor: Actor) => ctx.http.post<KeyLoanView>(`/keys/loans/${requested.body.caseId}/actions/approveUnseal`, actor, { approved: true, reason: '检查' });
    expect((await act(csr)).status).toBe(403);
    expect((await act(supervisor)).body.stage).toBe('onLoan');
  });
});

describe('GET /archives/:unit — reading an owner file', () => {
  async function filedUnit(): Promise<string> {
    const unit = newUnit();
    const filed = await ctx.http.post('/archives/' + unit + '/entries', csr, { kind: 'renovation', ref: `ZX-${randomUUID().slice(0, 6)}`, summary: '装修申请表' });
    expect(filed.status).toBe(201);
    return unit;
  }
  const reads = async (unit: string) =>
    (await ctx.http.get<{ actorId: string; allowed: boolean; reason: string }[]>(`/archives/${unit}/reads`, supervisor)).body;

  it('when a department reads without an approved access, then 403 and the refusal is logged', async () => {
    const unit = await filedUnit();
    const reply = await ctx.http.get<{ code: string }>(`/archives/${unit}`, cleaning);
    expect([reply.status, reply.body.code]).toEqual([403, 'ArchiveAccessRequired']);
    expect(await reads(unit)).toEqual([expect.objectContaining({ actorId: cleaning.id, allowed: false })]);
  });

  it('when a csr reads, then the file is returned and the read logged by role', async () => {
    const unit = await filedUnit();
    const reply = await ctx.http.get<{ entries: { kind: string }[]; authorisedBy: string }>(`/archives/${unit}`, csr);
    expect(reply.status).toBe(200);
    expect(reply.body.entries.map((e) => e.kind)).toEqual(['renovation']);
    expect(await reads(unit)).toEqual([expect.objectContaining({ actorId: csr.id, allowed: true, reason: 'role:csr' })]);
  });

  it('when the supervisor permits a department\'s viewing, then its read is allowed and logged against that access', async () => {
    const unit = await filedUnit();
    const asked = await ctx.sys.env.currentTimeMs();
    const requested = await ctx.http.post<{ caseId: string; stage: string; dueAt: { permission: string } }>('/archives/access', cleaning, { unit, kind: 'view', purpose: '核对装修垃圾清运' });
    expect([requested.status, requested.body.stage]).toEqual([201, 'awaitingPermission']);
    // The supervisor's permission is due within the hour, and the answer says by when.
    expect(Date.parse(requested.body.dueAt.permission) - asked).toBeGreaterThanOrEqual(3_600_000);
    expect(Date.parse(requested.body.dueAt.permission) - asked).toBeLessThan(3_600_000 + 60_000);
    const caseId = requested.body.caseId;
    expect((await ctx.http.get(`/archives/${unit}`, cleaning)).status).toBe(403);
    const permit = (actor: Actor) => ctx.http.post<{ stage: string }>(`/archives/access/${caseId}/actions/permit`, actor, { approved: true });
    await eventually(async () => (await ctx.http.get<{ stage: string }>(`/archives/access/${caseId}`)).body.stage === 'awaitingPermission');
    expect((await permit(csr)).status).toBe(403);
    expect((await permit(supervisor)).body.stage).toBe('viewing');
    const reply = await ctx.http.get<{ entries: unknown[]; authorisedBy: string }>(`/archives/${unit}`, cleaning);
    expect([reply.status, reply.body.authorisedBy]).toEqual([200, `access:${caseId}`]);
    expect((await ctx.http.get(`/archives/${unit}`, { id: 'sec-zhou', role: 'department' })).status).toBe(403);
    expect((await reads(unit)).map((r) => [r.actorId, r.allowed])).toEqual([
      [cleaning.id, false],
      [cleaning.id, true],
      ['sec-zhou', false],
    ]);
    expect((await ctx.http.get(`/archives/${unit}/reads`, csr)).status).toBe(403);
  });
});

describe('POST /archives/:unit/entries — filing a paper', () => {
  type Entry = { kind: string; ref: string; version: number; current: boolean; summary: string; filedBy: string };
  const file = (unit: string, body: unknown, headers: Record<string, string> = {}) =>
    ctx.http.request<{ version?: number; code?: string }>('POST', `/archives/${unit}/entries`, csr, body, undefined, headers);
  const entriesOf = async (unit: string) => (await ctx.http.get<{ entries: Entry[] }>(`/archives/${unit}`, csr)).body.entries;

  it('when a second version of a paper is filed, then both are kept, the newer one current; the same kind and ref for another unit is filed there', async () => {
    const unit = newUnit();
    const other = newUnit();
    const ref = `ZX-${randomUUID().slice(0, 6)}`;
    expect(await file(unit, { kind: 'renovation', ref, summary: '装修申请表' })).toMatchObject({ status: 201, body: { version: 1 } });
    expect(await file(unit, { kind: 'renovation', ref, summary: '装修申请表（变更）' })).toMatchObject({ status: 201, body: { version: 2 } });
    expect(await file(other, { kind: 'renovation', ref, summary: '装修申请表' })).toMatchObject({ status: 201, body: { version: 1 } });
    expect((await entriesOf(unit)).map((e) => [e.summary, e.version, e.current, e.filedBy])).toEqual([
      ['装修申请表', 1, false, csr.id],
      ['装修申请表（变更）', 2, true, csr.id],
    ]);
    expect((await entriesOf(other)).map((e) => [e.ref, e.version, e.current])).toEqual([[ref, 1, true]]);
  });

  it('when a filing is retried with its Idempotency-Key or request id, then 200 replayed and one row; the same key for another paper is 409 and writes nothing', async () => {
    const unit = newUnit();
    const paper = { kind: 'tenancy', ref: `ZL-${randomUUID().slice(0, 6)}`, summary: '租赁合同' };
    const key = { 'Idempotency-Key': randomUUID() };
    expect((await file(unit, paper, key)).status).toBe(201);
    const retry = await file(unit, paper, key);
    expect([retry.status, retry.headers.get('idempotent-replayed'), retry.body.version]).toEqual([200, 'true', 1]);
    const reused = await file(unit, { ...paper, summary: '另一份' }, key);
    expect([reused.status, reused.body.code]).toEqual([409, 'IdempotencyKeyReused']);
    const requestId = { 'X-Request-Id': `req-${randomUUID()}` };
    expect((await file(unit, { ...paper, summary: '租赁合同（续租）' }, requestId)).status).toBe(201);
    expect((await file(unit, { ...paper, summary: '租赁合同（续租）' }, requestId)).status).toBe(200);
    expect((await entriesOf(unit)).map((e) => [e.summary, e.version])).toEqual([
      ['租赁合同', 1],
      ['租赁合同（续租）', 2],
    ]);
  });

  it('when a summary is only zero-width spaces or carries a NUL, then 400 and nothing is filed', async () => {
    const unit = newUnit();
    for (const summary of ['\u200B\u200B \uFEFF', '装修\u0000申请', '申请\u001B[31m']) {
      const reply = await file(unit, { kind: 'renovation', ref: 'ZX-1', summary });
      expect([reply.status, reply.body.code]).toEqual([400, 'InvalidInput']);
    }
    expect(await entriesOf(unit)).toEqual([]);
  });
});
