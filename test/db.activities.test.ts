/**
 * One write per step, against the real database (SQLite by default, PostgreSQL
 * in CI): everything a step writes lands together or not at all, and a retried
 * write never writes a record or sends a message twice.
 */
import { randomUUID } from 'node:crypto';
import { createActivities } from '../activities';
import type { NotificationChannel, OutgoingMessage } from '../activities/notifications';
import type { Db } from '../db/client';
import type { CaseRowState, StepWrite } from '../workflows/lib/stepRecord';
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
const due = '2026-11-20T02:05:00.000Z';
const csr = { id: 'csr-li', role: 'csr' as const };
const technician = { id: 'tech-zhao', role: 'technician' as const };

const row = (version: number, over: Partial<CaseRowState> = {}): CaseRowState => ({
  version,
  stage: 'dispatching',
  assignee: null,
  waitingOn: { who: '工程部', what: '接单', dueAt: due },
  duties: [{ owner: 'role:technician', step: '派工接单', dueAt: due }],
  nextDueAt: due,
  breached: false,
  ...over,
});

/** A repair's registration: the case row, the register and dispatch entries, the clocks' start, the service record, the technicians told. */
function registration(caseId: string): StepWrite {
  return {
    caseId,
    at,
    open: { procedure: 'repair', workflowId: `repair-${caseId}`, unit: '1-1-101', ownerName: '李女士', ownerPhone: '13900000000', summary: '灯不亮', firstReceiver: csr.id, openedAt: at },
    entries: [
      { seq: 1, action: 'register', actor: csr, stage: 'dispatching', detail: { channel: 'phone' } },
      { seq: 2, action: 'dispatch', actor: { id: 'system', role: 'system' }, stage: 'dispatching', detail: {} },
    ],
    row: row(1),
    events: [{ key: `${caseId}:dispatch#1:started`, clock: 'dispatch', step: '派工接单', kind: 'started', at, dueAt: due }],
    records: [{ kind: 'serviceRecord', fault: '灯不亮' }],
    notices: [{ recipient: 'role:technician', text: '新报修，请接单' }],
  };
}

function takeJob(caseId: string, version = 2): StepWrite {
  return {
    caseId,
    at: '2026-11-20T02:03:00.000Z',
    entries: [{ seq: 3, action: 'takeJob', actor: technician, stage: 'inProgress', detail: {} }],
    row: row(version, { stage: 'inProgress', assignee: technician.id, waitingOn: { who: technician.id, what: '完工' }, duties: [] }),
    events: [{ key: `${caseId}:dispatch#1:met`, clock: 'dispatch', step: '派工接单', kind: 'met', at: '2026-11-20T02:03:00.000Z', dueAt: due }],
    records: [{ kind: 'serviceRecord', fault: '灯不亮', technician: technician.id, taken: true }],
    notices: [{ recipient: 'owner:13900000000', text: '已安排维修人员' }],
  };
}

const newCaseId = () => `D${randomUUID().slice(0, 8)}`;

describe('one write per step', () => {
  it('registration writes the case row, both entries, the clock, the service record and the message at once; a retry writes nothing again', async () => {
    const channel = capturingChannel();
    const acts = createActivities(db, channel);
    const caseId = newCaseId();
    await acts.recordStep(registration(caseId));
    await acts.recordStep(registration(caseId));
    const c = await db.case.findUniqueOrThrow({ where: { id: caseId }, include: { duties: true } });
    expect([c.stage, c.waitingWho, c.waitingStep, c.waitingDueAt?.toISOString()]).toEqual(['dispatching', '工程部', '接单', due]);
    expect(c.duties.map((d) => [d.owner, d.step, d.dueAt?.toISOString()])).toEqual([['role:technician', '派工接单', due]]);
    expect((await db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } })).map((e) => e.action)).toEqual(['register', 'dispatch']);
    expect(await db.deadlineEvent.count({ where: { caseId } })).toBe(1);
    expect((await db.serviceRecord.findUniqueOrThrow({ where: { caseId } })).notifiedAt.toISOString()).toBe(at);
    expect(channel.sent.filter((m) => m.caseId === caseId)).toHaveLength(1);
    expect((await db.notification.findMany({ where: { caseId } })).map((n) => [n.status, n.attempts])).toEqual([['sent', 1]]);
  });

  it('a step that commits after a later one (the clocks and a step side by side) does not put the older state back', async () => {
    const acts = createActivities(db, capturingChannel());
    const caseId = newCaseId();
    await acts.recordStep(registration(caseId));
    await acts.recordStep(takeJob(caseId, 3));
    await acts.recordDeadlineEvents({ caseId, events: [], row: row(2, { breached: true, duties: [{ owner: 'role:technician', step: '派工接单', dueAt: due }] }) });
    const c = await db.case.findUniqueOrThrow({ where: { id: caseId }, include: { duties: true } });
    expect([c.stage, c.assignee, c.breached]).toEqual(['inProgress', technician.id, false]);
    // The job is taken: nobody's inbox shows the dispatch step again, not even from the late write.
    expect(c.duties).toEqual([]);
  });

  it('a refused step writes nothing at all: no entry, no clock event, no message (the key is already out)', async () => {
    const acts = createActivities(db, capturingChannel());
    const caseId = newCaseId();
    await acts.recordStep(registration(caseId));
    const lend = { ...takeJob(caseId), records: [{ kind: 'keyLoanOpened' as const, keyId: `missing-${caseId}/unitDoor`, borrower: '赵师傅', purpose: '检修' }] };
    await expect(acts.recordStep(lend)).rejects.toMatchObject({ type: 'KeyNotFound' });
    expect(await db.auditEntry.count({ where: { caseId } })).toBe(2);
    expect(await db.deadlineEvent.count({ where: { caseId } })).toBe(1);
    expect(await db.notification.count({ where: { caseId } })).toBe(1);
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).stage).toBe('dispatching');
  });

  it('a step whose record collides with another write (not its own retry) fails at once instead of retrying for ever, and writes nothing', async () => {
    const acts = createActivities(db, capturingChannel());
    const caseId = newCaseId();
    await acts.recordStep(registration(caseId));
    // A later step that carries the registration's clock event again under its own audit key.
    const clash: StepWrite = { ...takeJob(caseId), events: registration(caseId).events };
    await expect(acts.recordStep(clash)).rejects.toMatchObject({ type: 'StepWriteConflict', nonRetryable: true });
    expect(await db.auditEntry.count({ where: { caseId } })).toBe(2);
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).stage).toBe('dispatching');
  });

  it('a message the channel fails to deliver stays in the outbox as failed and is sent once by the retry', async () => {
    let fail = true;
    const delivered: OutgoingMessage[] = [];
    const flaky: NotificationChannel = {
      name: 'flaky',
      deliver(m) {
        if (fail) return Promise.reject(new Error('短信网关超时'));
        delivered.push(m);
        return Promise.resolve();
      },
    };
    const acts = createActivities(db, flaky);
    const caseId = newCaseId();
    await expect(acts.recordStep(registration(caseId))).rejects.toThrow('短信网关超时');
    const failed = await db.notification.findFirst({ where: { caseId } });
    expect([failed?.status, failed?.lastError]).toEqual(['failed', 'Error: 短信网关超时']);
    fail = false;
    await acts.recordStep(registration(caseId));
    await acts.recordStep(registration(caseId));
    expect(delivered).toHaveLength(1);
    expect((await db.notification.findFirst({ where: { caseId } }))?.status).toBe('sent');
    expect(await db.auditEntry.count({ where: { caseId } })).toBe(2);
  });

  it('charges, return visits, owner-file entries and clock events are each written once however often retried', async () => {
    const channel = capturingChannel();
    const acts = createActivities(db, channel);
    const caseId = newCaseId();
    await acts.recordStep(registration(caseId));
    const completion: StepWrite = {
      ...takeJob(caseId),
      entries: [{ seq: 3, action: 'recordReturnVisit', actor: csr, stage: 'closed', detail: {} }],
      records: [
        { kind: 'charges', charges: [{ key: `${caseId}:completion:0`, kind: 'labour', item: '人工', amountFen: 5000 }] },
        { kind: 'returnVisit', round: 1, visitor: csr.id, satisfied: true, rating: 5, problemFound: false, note: '' },
        { kind: 'ownerFile', unit: '1-1-101', fileKind: 'repair', ref: caseId, summary: '报修：灯不亮', content: { stage: 'closed' } },
      ],
    };
    const breach = { caseId, events: [{ key: `${caseId}:response#1:breached:1`, clock: 'response', step: '回复业主', kind: 'breached', at, dueAt: at, level: 1, recipient: 'role:supervisor', text: '超时' }], row: row(5, { breached: true }) };
    for (let i = 0; i < 2; i++) {
      await acts.recordStep(completion);
      await acts.recordDeadlineEvents(breach);
    }
    expect(await db.charge.count({ where: { caseId } })).toBe(1);
    expect(await db.returnVisit.count({ where: { caseId } })).toBe(1);
    expect(await db.ownerFileEntry.count({ where: { ref: caseId } })).toBe(1);
    expect(await db.deadlineEvent.count({ where: { caseId, kind: 'breached' } })).toBe(1);
    expect(channel.sent.filter((m) => m.caseId === caseId && m.recipient === 'role:supervisor')).toHaveLength(1);
    expect((await db.case.findUniqueOrThrow({ where: { id: caseId } })).breached).toBe(true);
  });
});
