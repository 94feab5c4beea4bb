/**
 * Opening a case with an `Idempotency-Key`: the front desk's retry after a
 * dropped connection returns the same case, never a second one.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../workflows/lib/roles';
import { useStaffHttp } from './support/http';
import { csr, eventually, supervisor } from './support/scenario';

const ctx = useStaffHttp(csr);

const repair = (unit: string) => ({ unit, ownerName: '钱先生', ownerPhone: '13800000001', channel: 'phone', fault: '入户门关不严' });
const openWithKey = (key: string, body: unknown, actor: Actor = csr) =>
  ctx.http.request<{ caseId: string; code?: string; dueAt?: unknown }>('POST', '/repairs', actor, body, undefined, { 'Idempotency-Key': key });

/** The cases of a unit once the opened one is on record (its workflow writes the row). */
async function casesOf(unit: string, opened: string): Promise<string[]> {
  await eventually(async () => (await ctx.sys.db.case.findUnique({ where: { id: opened } })) !== null);
  await ctx.sys.env.sleep(500);
  return (await ctx.sys.db.case.findMany({ where: { unit }, select: { id: true } })).map((c) => c.id);
}

describe('Idempotency-Key on opening a case', () => {
  it('a retried request returns the same receipt number and due times (200, replayed), and only one case exists', async () => {
    const key = randomUUID();
    const unit = `7-1-${key.slice(0, 6)}`;
    const first = await openWithKey(key, repair(unit));
    expect(first.status).toBe(201);
    const retry = await openWithKey(key, repair(unit));
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('location')).toBe(`/repairs/${first.body.caseId}`);
    expect(await casesOf(unit, first.body.caseId)).toEqual([first.body.caseId]);
  });

  it('ten simultaneous requests with one key open one case, and exactly one answer says it created it (201); the nine others replay it (200, Idempotent-Replayed)', async () => {
    const key = randomUUID();
    const unit = `7-2-${key.slice(0, 6)}`;
    const replies = await Promise.all(Array.from({ length: 10 }, () => openWithKey(key, repair(unit))));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    for (const r of replies) expect(r.headers.get('idempotent-replayed')).toBe(r.status === 200 ? 'true' : null);
    const caseId = replies[0]?.body.caseId ?? '';
    expect(replies.every((r) => r.body.caseId === caseId)).toBe(true);
    expect(await casesOf(unit, caseId)).toEqual([caseId]);
  });

  it('the same key with a different body is a 409, and opens nothing', async () => {
    const key = randomUUID();
    const first = await openWithKey(key, repair(`7-3-${key.slice(0, 6)}`));
    expect(first.status).toBe(201);
    const other = `7-4-${key.slice(0, 6)}`;
    const reused = await openWithKey(key, repair(other));
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IdempotencyKeyReused');
    expect(await ctx.sys.db.case.count({ where: { unit: other } })).toBe(0);
  });

  it('keys are per staff member, and a refused request does not use up its key', async () => {
    const key = randomUUID();
    const unit = `7-5-${key.slice(0, 6)}`;
    const refused = await openWithKey(key, { ...repair(unit), ownerPhone: '' });
    expect(refused.status).toBe(400);
    const fixed = await openWithKey(key, repair(unit));
    expect(fixed.status).toBe(201);
    const bySupervisor = await openWithKey(key, repair(unit), supervisor);
    expect(bySupervisor.status).toBe(201);
    expect(bySupervisor.body.caseId).not.toBe(fixed.body.caseId);
  });

  it('a malformed key is a 400', async () => {
    const reply = await openWithKey('short', repair('7-6-1'));
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('InvalidInput');
  });

  it('a retried event plan returns the same plan and events, without starting any twice', async () => {
    const key = randomUUID();
    const title = `元旦游园会 ${key.slice(0, 4)}`;
    const plan = { events: [{ title, date: '2027-12-30' }, { title: `${title}（二）`, date: '2027-12-31' }] };
    const send = () => ctx.http.request<{ planId: string; events: { caseId: string }[]; code?: string; issues?: unknown }>('POST', '/events/plans', csr, plan, undefined, { 'Idempotency-Key': key });
    const first = await send();
    if (first.status !== 201) throw new Error(JSON.stringify(first.body));
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const ids = first.body.events.map((e) => e.caseId);
    await eventually(async () => (await ctx.sys.db.case.count({ where: { id: { in: ids } } })) === ids.length);
    await ctx.sys.env.sleep(500);
    expect(await ctx.sys.db.case.count({ where: { procedure: 'communityEvent', summary: { contains: title } } })).toBe(2);
  });
});
