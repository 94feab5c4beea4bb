/**
 * The repair procedure (DOMAIN.md §2) end to end on the time-skipping server:
 * every deadline at its business time, pauses, escalation, rework and closing.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { startTimeSkippingSystem, type TimeSkippingSystem } from './support/temporal';
import {
  act,
  caseIdOf,
  clockTo,
  csr,
  deadlineEvents,
  eventually,
  expectSameInstant,
  fridayLocal,
  local,
  localDate,
  mondayLocal,
  nextLocal,
  openRepair,
  stateOf,
  supervisor,
  technician,
  technician2,
  testCalendar,
} from './support/scenario';

let sys: TimeSkippingSystem;
beforeAll(async () => {
  sys = await startTimeSkippingSystem();
});
afterAll(async () => {
  await sys?.teardown();
});

const HOUR = 3600_000;
const MINUTE = 60_000;
const tuesday = 2;

async function eventsUntil(caseId: string, clock: string, kind: string, count = 1) {
  return eventually(async () => {
    const events = await deadlineEvents(sys.db, caseId, clock);
    return events.filter((e) => e.kind === kind).length >= count ? events : undefined;
  });
}

async function rejectionOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return (err.cause as { type?: string } | undefined)?.type;
    throw err;
  }
  return undefined;
}

describe('4. the owner hears back within 1 hour', () => {
  it('an unanswered owner warns the csr at 30 and 48 minutes, escalates to the supervisor at 1 hour, the manager at 2 and the executive at 3', async () => {
    const h = await openRepair(sys.env);
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    await sys.env.sleep(3 * HOUR + MINUTE);
    const events = await eventsUntil(caseId, 'response', 'escalated', 2);
    const start = events[0]?.at.getTime() as number;
    const timeline = events.map((e) => [e.kind, e.recipient, e.at.getTime() - start]);
    expect(timeline).toEqual([
      ['started', null, 0],
      ['warning', 'staff:csr-li', 30 * MINUTE],
      ['warning', 'staff:csr-li', 48 * MINUTE],
      ['breached', 'role:supervisor', HOUR],
      ['escalated', 'role:manager', 2 * HOUR],
      ['escalated', 'role:executive', 3 * HOUR],
    ]);
    const toManager = sys.channel.sent.find((m) => m.caseId === caseId && m.recipient === 'role:manager');
    expect(toManager?.text).toContain('回复业主');
    const row = await sys.db.case.findUnique({ where: { id: caseId } });
    expect(row?.breached).toBe(true);
  });

  it('an owner called back in time stops the clock without a breach', async () => {
    const h = await openRepair(sys.env);
    const caseId = caseIdOf(h);
    await sys.env.sleep(40 * MINUTE);
    await act(h, 'respondToOwner', csr, { channel: 'phone', note: '已电话回复，师傅马上到' });
    await sys.env.sleep(2 * HOUR);
    const kinds = (await deadlineEvents(sys.db, caseId, 'response')).map((e) => e.kind);
    expect(kinds).toEqual(['started', 'warning', 'met']);
  });
});

describe('2. a paid repair waits for the owner to confirm the fee', () => {
  it('the 5-minute dispatch clock is paused while the owner decides and resumes with the time left', async () => {
    const h = await openRepair(sys.env, { paid: { kind: 'listed', item: '更换水龙头', feeFen: 8000 } });
    const caseId = caseIdOf(h);
    expect((await stateOf(h)).stage).toBe('awaitingFeeConfirmation');
    await sys.env.sleep(30 * MINUTE);
    expect((await deadlineEvents(sys.db, caseId, 'dispatch')).map((e) => e.kind)).toEqual(['started', 'paused']);
    const view = await act(h, 'confirmFee', csr, { accepted: true, note: '业主电话确认' });
    expect(view.stage).toBe('dispatching');
    const resumed = await eventsUntil(caseId, 'dispatch', 'resumed');
    const resumedAt = resumed.find((e) => e.kind === 'resumed')?.at as Date;
    expectSameInstant(view.clocks.find((c) => c.name === 'dispatch')?.dueAt, new Date(resumedAt.getTime() + 5 * MINUTE));
    expect(resumed.find((e) => e.kind === 'paused')?.reason).toBe('等待业主确认费用');
    const quote = await sys.db.charge.findMany({ where: { caseId } });
    expect(quote.map((c) => [c.kind, c.amountFen])).toEqual([['quote', 8000]]);
  });

  it('an owner who declines the fee cancels the case and is told so', async () => {
    const h = await openRepair(sys.env, { paid: { kind: 'listed', item: '疏通下水道', feeFen: 5000 } });
    await act(h, 'confirmFee', csr, { accepted: false, note: '业主自行处理' });
    const result = await h.result();
    expect(result.outcome).toBe('cancelled');
    const told = sys.channel.sent.filter((m) => m.caseId === caseIdOf(h) && m.recipient === 'owner:13800000000');
    expect(told.map((m) => m.text).join()).toContain('取消');
  });
});

describe('3. dispatch: take, decline, hand back, reassign', () => {
  it('a declined job stays open for others; a job handed back restarts the 5-minute clock; the supervisor reassigns', async () => {
    const h = await openRepair(sys.env);
    const caseId = caseIdOf(h);
    let view = await act(h, 'declineJob', technician2, { reason: '在别的楼栋抢修' });
    expect(view.stage).toBe('dispatching');
    expect(view.declinedBy).toEqual(['tech-qian']);
    view = await act(h, 'takeJob', technician, {});
    expect(view.assignee).toBe('tech-zhao');
    view = await act(h, 'handBack', technician, { reason: '需要专业水电工' });
    expect(view.stage).toBe('dispatching');
    expect(view.assignee).toBeUndefined();
    view = await act(h, 'reassign', supervisor, { technician: 'tech-qian', reason: '水电专业' });
    expect(view.stage).toBe('inProgress');
    expect(view.assignee).toBe('tech-qian');
    const dispatch = (await deadlineEvents(sys.db, caseId, 'dispatch')).map((e) => e.kind);
    expect(dispatch).toEqual(['started', 'met', 'started', 'met']);
    const audit = await sys.db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['register', 'csr-li'],
      ['dispatch', 'system'],
      ['declineJob', 'tech-qian'],
      ['takeJob', 'tech-zhao'],
      ['handBack', 'tech-zhao'],
      ['reassign', 'sup-wang'],
    ]);
  });

  it('only the technician who has the job may report it done, and only once it is taken', async () => {
    const h = await openRepair(sys.env);
    expect(await rejectionOf(act(h, 'reportCompletion', technician, { workDone: 'x', charges: [] }))).toBe('InvalidStage');
    expect(await rejectionOf(act(h, 'takeJob', csr, {}))).toBe('Forbidden');
    await act(h, 'takeJob', technician, {});
    expect(await rejectionOf(act(h, 'reportCompletion', technician2, { workDone: 'x', charges: [] }))).toBe('Forbidden');
    expect(await rejectionOf(act(h, 'reportCompletion', technician, { workDone: '', charges: [] }))).toBe('InvalidInput');
    expect((await stateOf(h)).stage).toBe('inProgress');
  });
});

describe('5. completion and the daily follow-up', () => {
  it('an appointment the owner chose for Monday 10:00 pauses the completion clock until then; the job is then due by 17:30 that day', async () => {
    const friday10 = await nextLocal(sys.env, fridayLocal, '10:00');
    await clockTo(sys.env, friday10);
    const h = await openRepair(sys.env);
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    const monday10 = local(`${localDate(friday10, 3)}T10:00`);
    await act(h, 'bookAppointment', csr, { at: monday10.toISOString(), reason: '业主周一在家' });
    await clockTo(sys.env, new Date(monday10.getTime() + MINUTE));
    const events = await eventsUntil(caseId, 'completion', 'resumed');
    const resumed = events.find((e) => e.kind === 'resumed');
    expect(resumed?.at.toISOString()).toBe(monday10.toISOString());
    expect(resumed?.reason).toBe('业主预约维修时间');
    const view = await stateOf(h);
    expectSameInstant(view.clocks.find((c) => c.name === 'completion')?.dueAt, local(`${localDate(monday10)}T17:30`));
    expect(events.some((e) => e.kind === 'breached')).toBe(false);
  });

  it('a job not finished by the end of its day is reported to the csr, who must follow it up every working day until done', async () => {
    const tue10 = await nextLocal(sys.env, tuesday, '10:00');
    await clockTo(sys.env, tue10);
    const h = await openRepair(sys.env);
    const caseId = caseIdOf(h);
    await act(h, 'respondToOwner', csr, { channel: 'phone', note: '已回复' });
    await act(h, 'takeJob', technician, {});
    // Tuesday 17:30 passes: completion breached, follow-up due by the end of Wednesday.
    await clockTo(sys.env, local(`${localDate(tue10)}T18:00`));
    const completion = await eventsUntil(caseId, 'completion', 'breached');
    expect(completion.find((e) => e.kind === 'breached')?.at.toISOString()).toBe(local(`${localDate(tue10)}T17:30`).toISOString());
    await eventsUntil(caseId, 'followUp', 'started');
    let view = await stateOf(h);
    expect(view.clocks.find((c) => c.name === 'followUp')?.dueAt).toBe(local(`${localDate(tue10, 1)}T17:30`).toISOString());
    expect(sys.channel.sent.some((m) => m.caseId === caseId && m.recipient === 'staff:csr-li' && m.text.includes('未完工'))).toBe(true);
    // Wednesday 11:00 the csr follows up; the next one is due by the end of Thursday.
    await clockTo(sys.env, local(`${localDate(tue10, 1)}T11:00`));
    view = await act(h, 'recordFollowUp', csr, { note: '等配件，业主知悉' });
    expect(view.followUps).toBe(1);
    const next = view.clocks.find((c) => c.name === 'followUp');
    expect(next?.startsAt).toBe(local(`${localDate(tue10, 2)}T08:30`).toISOString());
    expect(next?.dueAt).toBe(local(`${localDate(tue10, 2)}T17:30`).toISOString());
    // Nobody follows up on Thursday: breached at Thursday 17:30, to the supervisor.
    await clockTo(sys.env, local(`${localDate(tue10, 2)}T18:00`));
    const followUps = await eventsUntil(caseId, 'followUp', 'breached');
    const breach = followUps.filter((e) => e.kind === 'breached').pop();
    expect(breach?.at.toISOString()).toBe(local(`${localDate(tue10, 2)}T17:30`).toISOString());
    expect(breach?.recipient).toBe('role:supervisor');
    view = await act(h, 'reportCompletion', technician, {
      workDone: '更换阀门',
      charges: [
        { kind: 'labour', item: '人工', amountFen: 5000 },
        { kind: 'material', item: '阀门', amountFen: 3500 },
      ],
    });
    expect(view.stage).toBe('awaitingReturnVisit');
    expect(view.chargesFen).toBe(8500);
    expect(view.clocks.find((c) => c.name === 'followUp')?.status).toBe('cancelled');
  });
});

describe('6. return visit and rework', () => {
  it('a return visit not made within 2 days of completion is breached and escalated to the supervisor', async () => {
    const h = await openRepair(sys.env);
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] });
    await sys.env.sleep(48 * HOUR + MINUTE);
    const events = await eventsUntil(caseId, 'returnVisit', 'breached');
    const start = events[0]?.at.getTime() as number;
    expect(events.find((e) => e.kind === 'breached')?.at.getTime()).toBe(start + 48 * HOUR);
    expect(events.filter((e) => e.kind === 'warning').map((e) => e.at.getTime() - start)).toEqual([24 * HOUR, 38.4 * HOUR]);
  });

  it('a problem found on the Friday before a Monday holiday is due for rework by the end of Tuesday, then a second visit closes the case', async () => {
    const friday20 = await nextLocal(sys.env, fridayLocal, '20:00');
    const calendar = testCalendar({ holidays: [localDate(friday20, 3)] });
    const h = await openRepair(sys.env, { calendar });
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] });
    await clockTo(sys.env, friday20);
    let view = await act(h, 'recordReturnVisit', csr, { satisfied: false, rating: 2, problemFound: true, note: '仍滴水' });
    expect(view.stage).toBe('rework');
    expect(view.clocks.find((c) => c.name === 'rework')?.dueAt).toBe(local(`${localDate(friday20, 4)}T17:30`).toISOString());
    view = await act(h, 'reportReworkDone', technician, { workDone: '重新密封' });
    expect(view.stage).toBe('awaitingReturnVisit');
    await act(h, 'recordReturnVisit', csr, { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false, note: '' });
    const result = await h.result();
    expect(result.outcome).toBe('closed');
    const visits = await sys.db.returnVisit.findMany({ where: { caseId }, orderBy: { round: 'asc' } });
    expect(visits.map((v) => [v.round, v.problemFound, v.rating])).toEqual([
      [1, true, 2],
      [2, false, 5],
    ]);
    const filed = await sys.db.ownerFileEntry.findUnique({ where: { kind_ref: { kind: 'repair', ref: caseId } } });
    expect(filed?.unit).toBe('3-2-1101');
    const row = await sys.db.case.findUnique({ where: { id: caseId } });
    expect(row?.stage).toBe('closed');
    expect(row?.closedAt).not.toBeNull();
  });

  it('a job taken on a make-up working Saturday is due for completion by 17:30 that Saturday', async () => {
    const saturday = await nextLocal(sys.env, 6, '09:00');
    await clockTo(sys.env, saturday);
    const h = await openRepair(sys.env, { calendar: testCalendar({ makeUpWorkdays: [localDate(saturday)] }) });
    const view = await act(h, 'takeJob', technician, {});
    expect(view.clocks.find((c) => c.name === 'completion')?.dueAt).toBe(local(`${localDate(saturday)}T17:30`).toISOString());
  });

  it('a job taken on a Monday that is a public holiday is due by the end of Tuesday', async () => {
    const monday = await nextLocal(sys.env, mondayLocal, '09:00');
    await clockTo(sys.env, monday);
    const h = await openRepair(sys.env, { calendar: testCalendar({ holidays: [localDate(monday)] }) });
    const view = await act(h, 'takeJob', technician, {});
    expect(view.clocks.find((c) => c.name === 'completion')?.dueAt).toBe(local(`${localDate(monday, 1)}T17:30`).toISOString());
  });
});

describe('a job that stays unfinished for weeks', () => {
  it('continues as new before its history grows large, keeping its follow-ups, clocks and audit sequence', async () => {
    const h = await openRepair(sys.env, { continueAsNewAfterEvents: 150 });
    const caseId = caseIdOf(h);
    const firstRun = (await h.describe()).runId;
    await act(h, 'respondToOwner', csr, { channel: 'phone', note: '已回复' });
    await act(h, 'takeJob', technician, {});
    await act(h, 'reportUnfinished', technician, { reason: '等待厂家配件' });
    const latest = () => sys.env.client.workflow.getHandle(h.workflowId) as typeof h;
    let days = 0;
    while ((await latest().describe()).runId === firstRun && days < 30) {
      await sys.env.sleep(24 * HOUR);
      await act(latest(), 'recordFollowUp', csr, { note: `第${days + 1}天跟进` });
      days += 1;
    }
    expect(days).toBeLessThan(30);
    const old = await sys.env.client.workflow.getHandle(h.workflowId, firstRun).describe();
    expect(old.status.name).toBe('CONTINUED_AS_NEW');
    const view = await act(latest(), 'recordFollowUp', csr, { note: '新一轮跟进' });
    expect(view.followUps).toBe(days + 1);
    expect(view.assignee).toBe('tech-zhao');
    await act(latest(), 'reportCompletion', technician, { workDone: '配件到货已更换', charges: [] });
    await act(latest(), 'recordReturnVisit', csr, { satisfied: true, rating: 4, problemFound: false, note: '' });
    expect((await latest().result()).outcome).toBe('closed');
    const seqs = (await sys.db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } })).map((a) => a.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
