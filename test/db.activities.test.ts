/**
 * Activities against the real database (SQLite by default, PostgreSQL in CI):
 * a retried activity never writes a record or sends a message twice.
 */
import { randomUUID } from 'node:crypto';
import { createActivities } from '../activities';
import type { NotificationChannel, OutgoingMessage } from '../activities/notifications';
import type { Db } from '../db/client';
import { capturingChannel } from './support/channel';
import { createTestDb } from './support/db';

let db: Db;
beforeAll(() => {
  db = createTestDb();
});
afterAll(async () => {
  await db.$disconnect();
});

const at = '2026-11-20T02:00:00.000Z';

async function openedCase(channel: NotificationChannel) {
  const caseId = `D${randomUUID().slice(0, 8)}`;
  const acts = createActivities(db, channel);
  const open = {
    caseId,
    procedure: 'repair',
    workflowId: `repair-${caseId}`,
    unit: '1-1-101',
    ownerName: '李女士',
    ownerPhone: '13900000000',
    summary: '灯不亮',
    stage: 'dispatching',
    firstReceiver: 'csr-li',
    openedAt: at,
  };
  await acts.openCase(open);
  await acts.openCase(open);
  return { caseId, acts };
}

const step = (caseId: string, seq: number) => ({
  caseId,
  seq,
  action: 'takeJob',
  actor: { id: 'tech-zhao', role: 'technician' as const },
  stage: 'inProgress',
  assignee: 'tech-zhao',
  detail: { note: 'x' },
  at,
  notices: [{ recipient: 'owner:13900000000', text: '已安排维修人员' }],
});

describe('activities on the database', () => {
  it('a retried step writes one audit entry, moves the case once and sends the owner one message', async () => {
    const channel = capturingChannel();
    const { caseId, acts } = await openedCase(channel);
    await acts.recordStep(step(caseId, 1));
    await acts.recordStep(step(caseId, 1));
    expect(await db.case.count({ where: { id: caseId } })).toBe(1);
    expect(await db.auditEntry.count({ where: { caseId } })).toBe(1);
    expect((await db.case.findUnique({ where: { id: caseId } }))?.assignee).toBe('tech-zhao');
    expect(channel.sent.filter((m) => m.caseId === caseId)).toHaveLength(1);
    const outbox = await db.notification.findMany({ where: { caseId } });
    expect(outbox.map((n) => [n.status, n.attempts])).toEqual([['sent', 1]]);
  });

  it('a retried reassignment step moves the first receiver once; a later step without one leaves it', async () => {
    const channel = capturingChannel();
    const { caseId, acts } = await openedCase(channel);
    const reassign = { ...step(caseId, 1), action: 'reassign', actor: { id: 'sup-wang', role: 'supervisor' as const }, firstReceiver: 'csr-zhou', notices: [] };
    await acts.recordStep(reassign);
    await acts.recordStep(reassign);
    await acts.recordStep(step(caseId, 2));
    expect(await db.auditEntry.count({ where: { caseId, action: 'reassign' } })).toBe(1);
    expect((await db.case.findUnique({ where: { id: caseId } }))?.firstReceiver).toBe('csr-zhou');
  });

  it('a message the channel fails to deliver stays in the outbox as failed and is sent once by the retry', async () => {
    let fail = true;
    const delivered: OutgoingMessage[] = [];
    const flaky: NotificationChannel = {
      name: 'flaky',
      async deliver(m) {
        if (fail) throw new Error('短信网关超时');
        delivered.push(m);
      },
    };
    const { caseId, acts } = await openedCase(flaky);
    await expect(acts.recordStep(step(caseId, 1))).rejects.toThrow('短信网关超时');
    const failed = await db.notification.findFirst({ where: { caseId } });
    expect([failed?.status, failed?.lastError]).toEqual(['failed', 'Error: 短信网关超时']);
    fail = false;
    await acts.recordStep(step(caseId, 1));
    await acts.recordStep(step(caseId, 1));
    expect(delivered).toHaveLength(1);
    expect((await db.notification.findFirst({ where: { caseId } }))?.status).toBe('sent');
    expect(await db.auditEntry.count({ where: { caseId } })).toBe(1);
  });

  it('deadline events, charges, return visits and archive entries are each written once however often retried', async () => {
    const channel = capturingChannel();
    const { caseId, acts } = await openedCase(channel);
    const events = {
      caseId,
      events: [
        { key: `${caseId}:response#1:breached:1`, clock: 'response', step: '回复业主', kind: 'breached', at, dueAt: at, level: 1, recipient: 'role:supervisor', text: '超时' },
      ],
      nextDueAt: null,
      breached: true,
    };
    const charges = { caseId, at, charges: [{ key: `${caseId}:completion:0`, kind: 'labour' as const, item: '人工', amountFen: 5000 }] };
    const visit = { caseId, at, round: 1, visitor: 'csr-li', satisfied: true, rating: 5, problemFound: false, note: '' };
    const filing = { filedAt: at, unit: '1-1-101', kind: 'repair' as const, ref: caseId, summary: '报修：灯不亮', content: { stage: 'closed' } };
    for (let i = 0; i < 2; i++) {
      await acts.recordDeadlineEvents(events);
      await acts.recordCharges(charges);
      await acts.recordReturnVisit(visit);
      await acts.fileToOwnerArchive(filing);
    }
    expect(await db.deadlineEvent.count({ where: { caseId } })).toBe(1);
    expect(channel.sent.filter((m) => m.caseId === caseId)).toHaveLength(1);
    expect((await db.case.findUnique({ where: { id: caseId } }))?.breached).toBe(true);
    expect(await db.charge.count({ where: { caseId } })).toBe(1);
    expect(await db.returnVisit.count({ where: { caseId } })).toBe(1);
    expect(await db.ownerFileEntry.count({ where: { ref: caseId } })).toBe(1);
  });
});
