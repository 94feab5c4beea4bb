/**
 * The custody records on the real database (SQLite by default, PostgreSQL in CI):
 * one open loan per key is a constraint of the data model, and the register's
 * activities are safe to retry.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createKeyActivities, keyRegister } from '../activities/keys';
import type { Db } from '../db/client';
import { createTestDb } from './support/db';

let db: Db;
beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await db.$disconnect();
});

const at = '2026-11-20T02:00:00.000Z';

async function key() {
  const unit = `1-${randomUUID().slice(0, 6)}`;
  return (await keyRegister(db).addKey({ unit, part: 'unitDoor', label: '入户门', sealed: false, addedBy: 'sup-wang' })).key;
}
const loan = (keyId: string, caseId = `JY${randomUUID().slice(0, 8)}`) => ({
  caseId,
  keyId,
  borrower: '赵师傅',
  purpose: '检修',
  signatureRef: 'sig',
  loanedAt: at,
});

describe('one open loan per key', () => {
  it('the database refuses a second open ledger entry for the same key', async () => {
    const k = await key();
    const row = (caseId: string) => ({ caseId, keyId: k.id, openKeyId: k.id, borrower: 'x', purpose: 'y', previousStatus: 'inCabinet', loanedAt: new Date(at) });
    await db.keyLoan.create({ data: row(`A${randomUUID()}`) });
    await expect(db.keyLoan.create({ data: row(`B${randomUUID()}`) })).rejects.toThrow();
    expect(await db.keyLoan.count({ where: { keyId: k.id } })).toBe(1);
  });

  it('lending a key already out fails as KeyOnLoan; a retried loan or return writes once; after the return it can go out again', async () => {
    const acts = createKeyActivities(db);
    const k = await key();
    const first = loan(k.id);
    await acts.openKeyLoan(first);
    await acts.openKeyLoan(first); // a retry
    const refused = await acts.openKeyLoan(loan(k.id)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect((refused as ApplicationFailure).type).toBe('KeyOnLoan');
    expect(await db.keyLoan.count({ where: { keyId: k.id } })).toBe(1);

    const back = { caseId: first.caseId, condition: 'complete' as const, note: '', returnedAt: at };
    await acts.closeKeyLoan(back);
    await acts.closeKeyLoan(back);
    expect((await keyRegister(db).findKey(k.id))?.status).toBe('inCabinet');
    await acts.openKeyLoan(loan(k.id));
    expect(await db.keyLoan.count({ where: { keyId: k.id } })).toBe(2);
  });

  it('an approved replacement changes the register once, however often it is retried', async () => {
    const acts = createKeyActivities(db);
    const k = await key();
    const l = loan(k.id);
    await acts.openKeyLoan(l);
    await acts.closeKeyLoan({ caseId: l.caseId, condition: 'lost', note: '遗失', returnedAt: at });
    const change = { caseId: `PJ${randomUUID().slice(0, 8)}`, keyId: k.id, kind: 'replace' as const, approvedBy: 'mgr-chen', at };
    await acts.applyKeyReplacement(change);
    const again = await acts.applyKeyReplacement(change);
    expect(again.status).toBe('inCabinet');
    expect(await db.keyRegisterChange.count({ where: { keyId: k.id } })).toBe(1);
  });
});
