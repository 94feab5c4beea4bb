/**
 * The custody records on the real database (SQLite by default, PostgreSQL in CI):
 * one open loan per key is a constraint of the data model, and the register's
 * activities are safe to retry.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../activities';
import { keyRegister } from '../activities/keys';
import type { CaseRecord } from '../workflows/lib/stepRecord';
import { capturingChannel } from './support/channel';
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
  return (await keyRegister(db).addKey({ centre: 'default', unit, part: 'unitDoor', label: '入户门', sealed: false, addedBy: 'sup-wang' })).key;
}

describe('one open loan per key', () => {
  it('the database refuses a second open ledger entry for the same key', async () => {
    const k = await key();
    const row = (caseId: string) => ({ caseId, keyId: k.id, openKeyId: k.id, borrower: 'x', purpose: 'y', previousStatus: 'inCabinet', loanedAt: new Date(at) });
    await db.keyLoan.create({ data: row(`A${randomUUID()}`) });
    await expect(db.keyLoan.create({ data: row(`B${randomUUID()}`) })).rejects.toThrow();
    expect(await db.keyLoan.count({ where: { keyId: k.id } })).toBe(1);
  });

  it('lending a key already out fails as KeyOnLoan; a retried loan or return writes once; after the return it can go out again', async () => {
    const k = await key();
    const first = await loanCase(k.id);
    await first.lend();
    await first.lend(); // a retry
    const refused = await (await loanCase(k.id)).lend().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect((refused as ApplicationFailure).type).toBe('KeyOnLoan');
    expect(await db.keyLoan.count({ where: { keyId: k.id } })).toBe(1);

    await first.giveBack('complete');
    await first.giveBack('complete');
    expect((await keyRegister(db).findKey(k.id))?.status).toBe('inCabinet');
    await (await loanCase(k.id)).lend();
    expect(await db.keyLoan.count({ where: { keyId: k.id } })).toBe(2);
  });

  it('an approved replacement changes the register once, however often it is retried', async () => {
    const k = await key();
    const l = await loanCase(k.id);
    await l.lend();
    await l.giveBack('lost');
    const change = await loanCase(k.id);
    const approve = () => change.write(2, 'approve', { kind: 'keyReplaced', keyId: k.id, change: 'replace', approvedBy: 'mgr-chen' });
    await approve();
    await approve();
    expect((await keyRegister(db).findKey(k.id))?.status).toBe('inCabinet');
    expect(await db.keyRegisterChange.count({ where: { keyId: k.id } })).toBe(1);
  });
});

/** A key-loan case whose steps go through the one step write, as the workflow's do. */
async function loanCase(keyId: string) {
  const caseId = `JY${randomUUID().slice(0, 8)}`;
  const acts = createActivities(db, capturingChannel());
  const actor = { id: 'csr-li', role: 'csr' as const };
  const write = (seq: number, action: string, record: CaseRecord) =>
    acts.recordStep({
      caseId,
      at,
      open: seq === 1 ? { procedure: 'keyLoan', workflowId: `keyLoan-${caseId}`, unit: keyId.split('/')[0], ownerName: '赵师傅', ownerPhone: '', summary: keyId, firstReceiver: actor.id, openedAt: at } : undefined,
      entries: [{ seq, action, actor, stage: 'onLoan', detail: {} }],
      row: { version: seq, stage: 'onLoan', assignee: null, waitingOn: null, duties: [], nextDueAt: null, breached: false },
      events: [],
      records: [record],
      notices: [],
    });
  await write(1, 'request', { kind: 'charges', charges: [] });
  return {
    write,
    lend: () => write(2, 'lend', { kind: 'keyLoanOpened', keyId, borrower: '赵师傅', purpose: '检修', signatureRef: 'sig' }),
    giveBack: (condition: 'complete' | 'lost') => write(3, 'recordReturn', { kind: 'keyLoanClosed', condition, note: '' }),
  };
}
