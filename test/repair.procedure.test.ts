/**
 * The repair procedure (DOMAIN.md §2) end to end on the time-skipping server:
 * every deadline at its business time, pauses, escalation, rework and closing.
 */
import { WithStartWorkflowOperation } from '@temporalio/client';
import { repairUpdates } from '../workflows/repair/repair.messages';
import type { repairRequest } from '../workflows/repair/repairRequest';
import { useTimeSkippingSystem } from './support/temporal';
import { caseActivityOf } from './support/timeSkippingDriver';
import {
  act,
  caseIdOf,
  clockTo,
  csr,
  clockEvents,
  eventsUntil as eventsUntilIn,
  expectSameInstant,
  HOUR,
  MINUTE,
  rejectionOf,
  fridayLocal,
  local,
  localDate,
  mondayLocal,
  nextLocal,
  openDispatchedRepair, openRepair,
  repairStart,
  stateOf,
  supervisor,
  technician,
  technician2,
  testCalendar,
  resultOf,
} from './support/scenario';

const system = useTimeSkippingSystem();

const tuesday = 2;

const eventsUntil = (caseId: string, clock: string, kind: string, count = 1) => eventsUntilIn(system().db, caseId, clock, kind, count);

describe('4. the owner hears back within 1 hour', () => {
  it('an unanswered owner warns the csr at 30 and 48 minutes, escalates to the supervisor at 1 hour and the manager at 2, and climbs no further', async () => {
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    await system().env.sleep(4 * HOUR + MINUTE);
    const events = await eventsUntil(caseId, 'response', 'escalated', 1);
    const start = events[0]?.at.getTime();
    const timeline = events.map((e) => [e.kind, e.recipient, e.at.getTime() - start]);
    expect(timeline).toEqual([
      ['started', null, 0],
      ['warning', 'staff:csr-li', 30 * MINUTE],
      ['warning', 'staff:csr-li', 48 * MINUTE],
      ['breached', 'role:supervisor', HOUR],
      ['escalated', 'role:manager', 2 * HOUR],
    ]);
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:executive')).toBe(false);
    const toManager = system().channel.sent.find((m) => m.caseId === caseId && m.recipient === 'role:manager');
    expect(toManager?.text).toContain('回复业主');
    const row = await system().db.case.findUnique({ where: { id: caseId } });
    expect(row?.breached).toBe(true);
  });

  it('a centre configured to warn at 25% and 75% warns the csr at 15 and 45 minutes of the hour', async () => {
    const h = await openRepair(system().env, { warnAt: [0.25, 0.75] });
    const caseId = caseIdOf(h);
    await system().env.sleep(50 * MINUTE);
    const events = await eventsUntil(caseId, 'response', 'warning', 2);
    const start = events[0]?.at.getTime();
    expect(events.filter((e) => e.kind === 'warning').map((e) => e.at.getTime() - start)).toEqual([15 * MINUTE, 45 * MINUTE]);
  });

  it('an owner called back in time stops the clock without a breach', async () => {
    const h = await openRepair(system().env);
    const caseId = caseIdOf(h);
    await system().env.sleep(40 * MINUTE);
    await act(h, 'respondToOwner', csr, { channel: 'phone', note: '已电话回复，师傅马上到' });
    await system().env.sleep(2 * HOUR);
    const kinds = (await clockEvents(system().db, caseId, 'response')).map((e) => e.kind);
    expect(kinds).toEqual(['started', 'warning', 'met']);
  });
});

describe('2. a paid repair waits for the owner to confirm the fee', () => {
  it("the csr's 5-minute service-record clock is paused while the owner decides and resumes with the time left", async () => {
    const h = await openRepair(system().env, { paid: { kind: 'listed', item: '更换水龙头', feeFen: 8000 } });
    const caseId = caseIdOf(h);
    expect((await stateOf(h)).stage).toBe('awaitingFeeConfirmation');
    await system().env.sleep(30 * MINUTE);
    expect((await clockEvents(system().db, caseId, 'serviceRecord')).map((e) => e.kind)).toEqual(['started', 'paused']);
    const view = await act(h, 'confirmFee', csr, { accepted: true, note: '业主电话确认' });
    expect(view.stage).toBe('recording');
    const resumed = await eventsUntil(caseId, 'serviceRecord', 'resumed');
    const resumedAt = resumed.find((e) => e.kind === 'resumed')?.at as Date;
    expectSameInstant(view.clocks.find((c) => c.name === 'serviceRecord')?.dueAt, new Date(resumedAt.getTime() + 5 * MINUTE));
    expect(await rejectionOf(act(h, 'takeJob', technician, {}))).toBe('InvalidStage');
    expect(resumed.find((e) => e.kind === 'paused')?.reason).toBe('等待业主确认费用');
    const quote = await system().db.charge.findMany({ where: { caseId } });
    expect(quote.map((c) => [c.kind, c.amountFen])).toEqual([['quote', 8000]]);
  });

  it('a price known only on site that the owner has not agreed yet stops the completion clock until the owner agrees; the job is then due that much later', async () => {
    const tue9 = await nextLocal(system().env, tuesday, '09:00');
    await clockTo(system().env, tue9);
    const h = await openDispatchedRepair(system().env, { paid: { kind: 'onSite' } });
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    await clockTo(system().env, local(`${localDate(tue9)}T10:00`));
    let view = await act(h, 'confirmOnSiteFee', technician, { item: '更换角阀', feeFen: 4000, ownerAgreed: false });
    expect(view.clocks.find((c) => c.name === 'completion')).toMatchObject({ status: 'paused', pauseReason: '等待业主确认现场报价' });
    expect(await rejectionOf(act(h, 'reportCompletion', technician, { workDone: 'x', charges: [] }))).toBe('InvalidStage');
    await clockTo(system().env, local(`${localDate(tue9)}T12:00`));
    view = await act(h, 'recordOwnerFeeAnswer', csr, { agreed: true });
    // Two hours waited on the owner: due 19:30 would be after hours, so the 2 business hours run into Wednesday 10:30.
    expectSameInstant(view.clocks.find((c) => c.name === 'completion')?.dueAt, local(`${localDate(tue9, 1)}T10:30`));
    expect(await rejectionOf(act(h, 'recordOwnerFeeAnswer', csr, { agreed: true }))).toBe('InvalidStage');
    expect((await clockEvents(system().db, caseId, 'completion')).map((e) => e.kind)).toEqual(['started', 'paused', 'resumed']);
  });

  it('an owner who refuses the price quoted on site ends the job with the reason, recorded and told to the csr', async () => {
    const h = await openDispatchedRepair(system().env, { paid: { kind: 'onSite' } });
    await act(h, 'takeJob', technician, {});
    await act(h, 'confirmOnSiteFee', technician, { item: '更换角阀', feeFen: 4000, ownerAgreed: false });
    const view = await act(h, 'recordOwnerFeeAnswer', technician, { agreed: false, reason: '业主自行购买配件' });
    expect([view.stage, view.quote?.refusedReason]).toEqual(['cancelled', '业主自行购买配件']);
    expect((await resultOf(h)).outcome).toBe('cancelled');
    expect(system().channel.sent.some((m) => m.caseId === caseIdOf(h) && m.recipient === 'staff:csr-li' && m.text.includes('业主自行购买配件'))).toBe(true);
  });

  it('an owner who declines the fee cancels the case and is told so', async () => {
    const h = await openRepair(system().env, { paid: { kind: 'listed', item: '疏通下水道', feeFen: 5000 } });
    await act(h, 'confirmFee', csr, { accepted: false, note: '业主自行处理' });
    const result = await resultOf(h);
    expect(result.outcome).toBe('cancelled');
    const told = system().channel.sent.filter((m) => m.caseId === caseIdOf(h) && m.recipient === 'owner:13800000000');
    expect(told.map((m) => m.text).join()).toContain('取消');
  });
});

describe('3. dispatch: take, decline, hand back, reassign', () => {
  it('a service record filled in the very first moment of the case is recorded after its registration', async () => {
    // Update-with-start: the action arrives in the case's first workflow task.
    const start = new WithStartWorkflowOperation('repairRequest', { ...repairStart(), workflowIdConflictPolicy: 'FAIL' });
    const view = await system().env.client.workflow.executeUpdateWithStart(repairUpdates.fillServiceRecord, {
      args: [{ actor: csr, input: {} }],
      startWorkflowOperation: start,
    });
    expect(view.stage).toBe('dispatching');
    const caseId = caseIdOf(await start.workflowHandle());
    const audit = await system().db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['register', 'fillServiceRecord']);
    expect((await clockEvents(system().db, caseId, 'serviceRecord')).map((e) => e.kind)).toEqual(['started', 'met']);
  });

  it("a declined job stays open for others; a job handed back restarts engineering's 30-minute take-up clock; the supervisor reassigns", async () => {
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    let view = await act(h, 'declineJob', technician2, { reason: '在别的楼栋抢修' });
    expect(view.stage).toBe('dispatching');
    expect(view.declinedBy).toEqual(['tech-qian']);
    view = await act(h, 'takeJob', technician, {});
    expect(view.assignee).toBe('tech-zhao');
    view = await act(h, 'handBack', technician, { reason: '需要专业水电工' });
    expect(view.stage).toBe('dispatching');
    expect(view.assignee).toBeUndefined();
    const handedBack = (await clockEvents(system().db, caseId, 'dispatch')).filter((e) => e.kind === 'started').pop();
    expectSameInstant(view.clocks.find((c) => c.name === 'dispatch')?.dueAt, new Date((handedBack?.at as Date).getTime() + 30 * MINUTE));
    view = await act(h, 'reassign', supervisor, { technician: 'tech-qian', reason: '水电专业' });
    expect(view.stage).toBe('inProgress');
    expect(view.assignee).toBe('tech-qian');
    const dispatch = (await clockEvents(system().db, caseId, 'dispatch')).map((e) => e.kind);
    expect(dispatch).toEqual(['started', 'met', 'started', 'met']);
    const audit = await system().db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['register', 'csr-li'],
      ['fillServiceRecord', 'csr-li'],
      ['declineJob', 'tech-qian'],
      ['takeJob', 'tech-zhao'],
      ['handBack', 'tech-zhao'],
      ['reassign', 'sup-wang'],
    ]);
  });

  it('only the technician who has the job may report it done, and only once it is taken', async () => {
    const h = await openDispatchedRepair(system().env);
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
    const friday10 = await nextLocal(system().env, fridayLocal, '10:00');
    await clockTo(system().env, friday10);
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    const monday10 = local(`${localDate(friday10, 3)}T10:00`);
    await act(h, 'bookAppointment', csr, { at: monday10.toISOString(), reason: '业主周一在家' });
    await clockTo(system().env, new Date(monday10.getTime() + MINUTE));
    const events = await eventsUntil(caseId, 'completion', 'resumed');
    const resumed = events.find((e) => e.kind === 'resumed');
    expect(resumed?.at.toISOString()).toBe(monday10.toISOString());
    expect(resumed?.reason).toBe('业主预约维修时间');
    const view = await stateOf(h);
    expectSameInstant(view.clocks.find((c) => c.name === 'completion')?.dueAt, local(`${localDate(monday10)}T17:30`));
    expect(events.some((e) => e.kind === 'breached')).toBe(false);
  });

  it('an appointment booked because no technician can come now moves the 30-minute take-up to the appointment time', async () => {
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    const at = new Date((await system().env.currentTimeMs()) + 26 * HOUR);
    const view = await act(h, 'bookAppointment', csr, { at: at.toISOString(), reason: '今日无人可派，业主约明天' });
    const dispatch = view.clocks.find((c) => c.name === 'dispatch');
    expect(dispatch?.startsAt).toBe(at.toISOString());
    expect(dispatch?.dueAt).toBe(new Date(at.getTime() + 30 * MINUTE).toISOString());
    await system().env.sleep(26 * HOUR + 31 * MINUTE);
    const events = await eventsUntil(caseId, 'dispatch', 'breached');
    expect(events.filter((e) => e.kind === 'breached').pop()?.at.toISOString()).toBe(new Date(at.getTime() + 30 * MINUTE).toISOString());
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'owner:13800000000' && m.text.includes('预约'))).toBe(true);
  });

  it('an appointment in year 9999, or years in the past, sent straight to the case is refused by the case itself, which then takes its next action', async () => {
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    const now = await system().env.currentTimeMs();
    for (const at of ['9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '1970-01-01T00:00:00Z', new Date(now - 11 * MINUTE).toISOString(), new Date(now + 367 * 24 * HOUR).toISOString()]) {
      expect(await rejectionOf(act(h, 'bookAppointment', csr, { at, reason: '业主约的时间' }))).toBe('InvalidInput');
    }
    // Inside the window (a booking made a few minutes late, or one almost a year ahead) is taken.
    const late = await act(h, 'bookAppointment', csr, { at: new Date(now - 9 * MINUTE).toISOString(), reason: '刚才约好的' });
    expect(late.appointmentAt).toBe(new Date(now - 9 * MINUTE).toISOString());
    const view = await act(h, 'takeJob', technician, {});
    expect(view.stage).toBe('inProgress');
    const farAhead = new Date(now + 360 * 24 * HOUR);
    const booked = await act(h, 'bookAppointment', csr, { at: farAhead.toISOString(), reason: '业主出国，明年回来' });
    expect(booked.clocks.find((c) => c.name === 'completion')?.status).toBe('paused');
    // The case is not poisoned: its record keeps up (the pause is on record) and it takes the next action.
    await eventsUntil(caseId, 'completion', 'paused');
    expect((await act(h, 'handBack', technician, { reason: '业主长期不在' })).stage).toBe('dispatching');
  });

  it('a job not finished by the end of its day is reported to the csr, who must follow it up every working day until done', async () => {
    const tue10 = await nextLocal(system().env, tuesday, '10:00');
    await clockTo(system().env, tue10);
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    await act(h, 'respondToOwner', csr, { channel: 'phone', note: '已回复' });
    await act(h, 'takeJob', technician, {});
    // Tuesday 17:30 passes: completion breached, follow-up due by the end of Wednesday.
    await clockTo(system().env, local(`${localDate(tue10)}T18:00`));
    const completion = await eventsUntil(caseId, 'completion', 'breached');
    expect(completion.find((e) => e.kind === 'breached')?.at.toISOString()).toBe(local(`${localDate(tue10)}T17:30`).toISOString());
    await eventsUntil(caseId, 'followUp', 'started');
    let view = await stateOf(h);
    expect(view.clocks.find((c) => c.name === 'followUp')?.dueAt).toBe(local(`${localDate(tue10, 1)}T17:30`).toISOString());
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'staff:csr-li' && m.text.includes('未完工'))).toBe(true);
    // Wednesday 11:00 the csr follows up; the next one is due by the end of Thursday.
    await clockTo(system().env, local(`${localDate(tue10, 1)}T11:00`));
    view = await act(h, 'recordFollowUp', csr, { note: '等配件，业主知悉' });
    expect(view.followUps).toBe(1);
    const next = view.clocks.find((c) => c.name === 'followUp');
    expect(next?.startsAt).toBe(local(`${localDate(tue10, 2)}T08:30`).toISOString());
    expect(next?.dueAt).toBe(local(`${localDate(tue10, 2)}T17:30`).toISOString());
    // Nobody follows up on Thursday: breached at Thursday 17:30, to the supervisor.
    await clockTo(system().env, local(`${localDate(tue10, 2)}T18:00`));
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

describe('5. reporting back is the duty', () => {
  it('a job the technician reports unfinished before its day ends is no missed completion: its clock ends as reported and the csr follows it up', async () => {
    const wed10 = await nextLocal(system().env, 3, '10:00');
    await clockTo(system().env, wed10);
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    await clockTo(system().env, local(`${localDate(wed10)}T16:50`));
    const view = await act(h, 'reportUnfinished', technician, { reason: '等待厂家配件' });
    expect(view.clocks.find((c) => c.name === 'completion')?.status).toBe('met');
    expect(view.clocks.find((c) => c.name === 'followUp')?.dueAt).toBe(local(`${localDate(wed10)}T17:30`).toISOString());
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'staff:csr-li' && m.text.includes('等待厂家配件'))).toBe(true);
    // The day ends: nothing is breached for the technician, who reported back.
    await clockTo(system().env, local(`${localDate(wed10, 1)}T09:00`));
    const completion = await clockEvents(system().db, caseId, 'completion');
    expect(completion.map((e) => e.kind)).toEqual(['started', 'warning', 'warning', 'met']);
    expect(completion.find((e) => e.kind === 'met')?.reason).toBe('已报告未完工');
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.text.includes('完工') && m.text.includes('超时'))).toBe(false);
  });
});

describe('6. return visit and rework', () => {
  it('a return visit not made within 2 days of completion is breached and escalated to the supervisor', async () => {
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] });
    await system().env.sleep(48 * HOUR + MINUTE);
    const events = await eventsUntil(caseId, 'returnVisit', 'breached');
    const start = events[0]?.at.getTime();
    expect(events.find((e) => e.kind === 'breached')?.at.getTime()).toBe(start + 48 * HOUR);
    expect(events.filter((e) => e.kind === 'warning').map((e) => e.at.getTime() - start)).toEqual([24 * HOUR, 38.4 * HOUR]);
  });

  it('the return visit of a paid job must say whether the owner confirmed the fee; a free job need not', async () => {
    const paid = await openDispatchedRepair(system().env);
    await act(paid, 'takeJob', technician, {});
    await act(paid, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [{ kind: 'material', item: '阀芯', amountFen: 3500 }] });
    expect(await rejectionOf(act(paid, 'recordReturnVisit', csr, { satisfied: true, rating: 5, problemFound: false, note: '' }))).toBe('InvalidInput');
    expect((await stateOf(paid)).stage).toBe('awaitingReturnVisit');
    await act(paid, 'recordReturnVisit', csr, { satisfied: true, rating: 4, feeConfirmed: false, problemFound: false, note: '业主对材料费有异议' });
    expect((await resultOf(paid)).outcome).toBe('closed');
    const visit = await system().db.returnVisit.findFirst({ where: { caseId: caseIdOf(paid) } });
    expect(visit?.feeConfirmed).toBe(false);

    const free = await openDispatchedRepair(system().env);
    await act(free, 'takeJob', technician, {});
    await act(free, 'reportCompletion', technician, { workDone: '紧固螺丝', charges: [] });
    await act(free, 'recordReturnVisit', csr, { satisfied: true, rating: 5, problemFound: false, note: '' });
    expect((await resultOf(free)).outcome).toBe('closed');
  });

  it('a problem found on the Friday before a Monday holiday is due for rework by the end of Tuesday, then a second visit closes the case', async () => {
    const friday20 = await nextLocal(system().env, fridayLocal, '20:00');
    const calendar = testCalendar({ holidays: [localDate(friday20, 3)] });
    const h = await openDispatchedRepair(system().env, { calendar });
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] });
    await clockTo(system().env, friday20);
    let view = await act(h, 'recordReturnVisit', csr, { satisfied: false, rating: 2, problemFound: true, note: '仍滴水' });
    expect(view.stage).toBe('rework');
    expect(view.clocks.find((c) => c.name === 'rework')?.dueAt).toBe(local(`${localDate(friday20, 4)}T17:30`).toISOString());
    view = await act(h, 'reportReworkDone', technician, { workDone: '重新密封' });
    expect(view.stage).toBe('awaitingReturnVisit');
    await act(h, 'recordReturnVisit', csr, { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false, note: '' });
    const result = await resultOf(h);
    expect(result.outcome).toBe('closed');
    const visits = await system().db.returnVisit.findMany({ where: { caseId }, orderBy: { round: 'asc' } });
    expect(visits.map((v) => [v.round, v.problemFound, v.rating])).toEqual([
      [1, true, 2],
      [2, false, 5],
    ]);
    const filed = await system().db.ownerFileEntry.findFirst({ where: { kind: 'repair', ref: caseId } });
    expect(filed?.unit).toBe('3-2-1101');
    const row = await system().db.case.findUnique({ where: { id: caseId } });
    expect(row?.stage).toBe('closed');
    expect(row?.closedAt).not.toBeNull();
  });

  it('a rework with a special reason (如无特殊原因): the technician asks for a later moment, the supervisor approves it, and the rework is due then, recorded', async () => {
    const thu10 = await nextLocal(system().env, 4, '10:00');
    await clockTo(system().env, thu10);
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});
    await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] });
    let view = await act(h, 'recordReturnVisit', csr, { satisfied: false, rating: 2, problemFound: true, note: '阀门型号不对' });
    // One working day: Friday 10:00.
    expectSameInstant(view.clocks.find((c) => c.name === 'rework')?.dueAt, local(`${localDate(thu10, 1)}T10:00`));
    const monday17 = local(`${localDate(thu10, 4)}T17:00`);
    expect(await rejectionOf(act(h, 'requestReworkExtension', technician, { reason: '配件需厂家发货', until: local(`${localDate(thu10, 1)}T09:00`).toISOString() }))).toBe('InvalidInput');
    expect(await rejectionOf(act(h, 'decideReworkExtension', supervisor, { approved: true }))).toBe('InvalidStage');
    await act(h, 'requestReworkExtension', technician, { reason: '配件需厂家发货', until: monday17.toISOString() });
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:supervisor' && m.text.includes('配件需厂家发货'))).toBe(true);
    expect(await rejectionOf(act(h, 'requestReworkExtension', technician, { reason: '再等等', until: monday17.toISOString() }))).toBe('InvalidStage');
    expect(await rejectionOf(act(h, 'decideReworkExtension', csr, { approved: true }))).toBe('Forbidden');
    view = await act(h, 'decideReworkExtension', supervisor, { approved: true, comment: '同意' });
    expect(view.clocks.find((c) => c.name === 'rework')?.dueAt).toBe(monday17.toISOString());
    expect(view.reworkExtension).toMatchObject({ reason: '配件需厂家发货', until: monday17.toISOString(), requestedBy: technician.id, decision: { approved: true, by: supervisor.id } });
    // Friday 10:00 passes without a breach; Monday 17:00 would be the deadline.
    await clockTo(system().env, local(`${localDate(thu10, 1)}T12:00`));
    const events = await clockEvents(system().db, caseId, 'rework');
    expect(events.filter((e) => e.kind === 'breached')).toEqual([]);
    expect(events.map((e) => e.kind)).toEqual(['started', 'cancelled', 'started']);
  });

  it('a job taken on a make-up working Saturday is due for completion by 17:30 that Saturday', async () => {
    const saturday = await nextLocal(system().env, 6, '09:00');
    await clockTo(system().env, saturday);
    const h = await openDispatchedRepair(system().env, { calendar: testCalendar({ makeUpWorkdays: [localDate(saturday)] }) });
    const view = await act(h, 'takeJob', technician, {});
    expect(view.clocks.find((c) => c.name === 'completion')?.dueAt).toBe(local(`${localDate(saturday)}T17:30`).toISOString());
  });

  it('a job taken on a Monday that is a public holiday is due by the end of Tuesday', async () => {
    const monday = await nextLocal(system().env, mondayLocal, '09:00');
    await clockTo(system().env, monday);
    const h = await openDispatchedRepair(system().env, { calendar: testCalendar({ holidays: [localDate(monday)] }) });
    const view = await act(h, 'takeJob', technician, {});
    expect(view.clocks.find((c) => c.name === 'completion')?.dueAt).toBe(local(`${localDate(monday, 1)}T17:30`).toISOString());
  });
});

describe('a job that stays unfinished for weeks', () => {
  it('continues as new before its history grows large, keeping its follow-ups, clocks and audit sequence', async () => {
    const h = await openDispatchedRepair(system().env, { continueAsNewAfterEvents: 150 });
    const caseId = caseIdOf(h);
    const firstRun = (await h.describe()).runId;
    await act(h, 'respondToOwner', csr, { channel: 'phone', note: '已回复' });
    await act(h, 'takeJob', technician, {});
    await act(h, 'reportUnfinished', technician, { reason: '等待厂家配件' });
    const latest = () => system().env.client.workflow.getHandle<typeof repairRequest>(h.workflowId);
    let days = 0;
    while ((await latest().describe()).runId === firstRun && days < 30) {
      await system().env.sleep(24 * HOUR);
      await act(latest(), 'recordFollowUp', csr, { note: `第${days + 1}天跟进` });
      days += 1;
    }
    expect(days).toBeLessThan(30);
    const oldRun = system().env.client.workflow.getHandle(h.workflowId, firstRun);
    expect((await oldRun.describe()).status.name).toBe('CONTINUED_AS_NEW');
    // The run that continued as new wrote everything it had before it went: no record activity left behind.
    expect(caseActivityOf((await oldRun.fetchHistory()).events ?? []).abandoned).toEqual([]);
    const view = await act(latest(), 'recordFollowUp', csr, { note: '新一轮跟进' });
    expect(view.followUps).toBe(days + 1);
    expect(view.assignee).toBe('tech-zhao');
    await act(latest(), 'reportCompletion', technician, { workDone: '配件到货已更换', charges: [] });
    await act(latest(), 'recordReturnVisit', csr, { satisfied: true, rating: 4, problemFound: false, note: '' });
    expect((await resultOf(latest())).outcome).toBe('closed');
    const seqs = (await system().db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } })).map((a) => a.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});

describe('due times at business time', () => {
  it('a job completed Friday 16:00 has its return visit due Sunday 16:00', async () => {
    const friday9 = await nextLocal(system().env, fridayLocal, '09:00');
    await clockTo(system().env, friday9);
    const h = await openDispatchedRepair(system().env);
    await act(h, 'respondToOwner', csr, { channel: 'phone', note: '已回电' });
    await act(h, 'takeJob', technician, {});
    const friday16 = new Date(friday9.getTime() + 7 * 3600_000);
    await clockTo(system().env, friday16);
    const view = await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] });
    expect(view.stage).toBe('awaitingReturnVisit');
    const rv = view.clocks.find((c) => c.name === 'returnVisit');
    expectSameInstant(rv?.dueAt, local(`${localDate(friday16, 2)}T16:00`));
  });

  it('a rework found Friday after hours is due at the end of Monday', async () => {
    const h = await openDispatchedRepair(system().env);
    await act(h, 'takeJob', technician, {});
    await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] });
    const friday20 = await nextLocal(system().env, fridayLocal, '20:00');
    await clockTo(system().env, friday20);
    const view = await act(h, 'recordReturnVisit', csr, { satisfied: false, rating: 2, problemFound: true, note: '仍漏水' });
    expect(view.stage).toBe('rework');
    expect(view.clocks.find((c) => c.name === 'rework')?.dueAt).toBe(local(`${localDate(friday20, 3)}T17:30`).toISOString());
  });

  it('a service record the csr has not filled within 5 minutes warns her at 50% and 80%, escalates to the supervisor at 5 minutes and the manager 30 minutes later, never the executive', async () => {
    // A Saturday night: the 5 minutes are wall-clock time, nights and rest days included.
    await clockTo(system().env, await nextLocal(system().env, 6, '22:40'));
    const h = await openRepair(system().env);
    const caseId = caseIdOf(h);
    expect((await stateOf(h)).stage).toBe('recording');
    expect(await rejectionOf(act(h, 'takeJob', technician, {}))).toBe('InvalidStage');
    await system().env.sleep(3 * HOUR);
    const events = await eventsUntil(caseId, 'serviceRecord', 'escalated');
    const opened = (events[0] as { at: Date }).at.getTime();
    expect(events.map((e) => [e.kind, e.recipient, e.at.getTime() - opened])).toEqual([
      ['started', null, 0],
      ['warning', 'staff:csr-li', 150_000],
      ['warning', 'staff:csr-li', 240_000],
      ['breached', 'role:supervisor', 5 * MINUTE],
      ['escalated', 'role:manager', 35 * MINUTE],
    ]);
    const msg = system().channel.sent.find((m) => m.caseId === caseId && m.recipient === 'role:supervisor' && m.text.includes('填写服务记录并通知工程部'));
    expect(msg?.text).toContain('超时');
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:executive')).toBe(false);
    expect((await stateOf(h)).breached).toBe(true);
  });

  it('once the csr has notified engineering, a job nobody takes within 30 minutes breaches to the supervisor, then the manager 30 minutes later', async () => {
    const h = await openRepair(system().env);
    const caseId = caseIdOf(h);
    await system().env.sleep(3 * MINUTE);
    const view = await act(h, 'fillServiceRecord', csr, { note: '已电话通知工程部' });
    expect([view.stage, view.waitingOn?.who]).toEqual(['dispatching', '工程部']);
    await system().env.sleep(HOUR + MINUTE);
    const events = await eventsUntil(caseId, 'dispatch', 'escalated');
    const notified = (events[0] as { at: Date }).at.getTime();
    expect(events.filter((e) => e.kind === 'breached' || e.kind === 'escalated').map((e) => [e.recipient, e.at.getTime() - notified])).toEqual([
      ['role:supervisor', 30 * MINUTE],
      ['role:manager', 60 * MINUTE],
    ]);
    // The csr's own clock was met at 3 minutes: her part was done in time.
    expect((await clockEvents(system().db, caseId, 'serviceRecord')).map((e) => e.kind)).toEqual(['started', 'warning', 'met']);
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:technician' && m.text.includes('派工'))).toBe(true);
  });
});

describe('7. every record of a case carries the case’s own time', () => {
  it('a repair worked days after the machine’s today stamps its service record, charges, return visit, archive entry and messages with the moments its steps happened', async () => {
    // Put the case well away from the worker machine's clock, so a stamp taken from it would show.
    await system().env.sleep(9 * 24 * HOUR);
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    await system().env.sleep(40 * MINUTE); // engineering's take-up clock breaches and notifies the supervisor
    await act(h, 'takeJob', technician, {});
    await system().env.sleep(2 * HOUR);
    await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [{ kind: 'material', item: '阀芯', amountFen: 2000 }] });
    await system().env.sleep(26 * HOUR);
    await act(h, 'recordReturnVisit', csr, { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false, note: '' });
    await resultOf(h);

    const db = system().db;
    const audit = await db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    const at = (action: string) => audit.find((a) => a.action === action)?.at.toISOString();
    expect(Date.now() - new Date(at('register') as string).getTime()).toBeLessThan(-8 * 24 * HOUR);

    const record = await db.serviceRecord.findUnique({ where: { caseId } });
    expect([record?.notifiedAt, record?.takenAt, record?.completedAt].map((d) => d?.toISOString())).toEqual([
      at('fillServiceRecord'),
      at('takeJob'),
      at('reportCompletion'),
    ]);
    expect((await db.charge.findMany({ where: { caseId } })).map((c) => c.at.toISOString())).toEqual([at('reportCompletion')]);
    expect((await db.returnVisit.findMany({ where: { caseId } })).map((v) => v.at.toISOString())).toEqual([at('recordReturnVisit')]);
    expect((await db.ownerFileEntry.findMany({ where: { ref: caseId } })).map((e) => e.filedAt.toISOString())).toEqual([at('close')]);

    // Each message is stamped when its step or clock event happened.
    const events = await clockEvents(db, caseId);
    const momentOf = new Map<string, string>([
      ...audit.map((a) => [a.key, a.at.toISOString()] as [string, string]),
      ...events.map((e) => [e.key, e.at.toISOString()] as [string, string]),
    ]);
    const messages = await db.notification.findMany({ where: { caseId } });
    expect(messages.some((m) => m.key.includes(':breached:'))).toBe(true);
    for (const m of messages) expect([m.key, m.createdAt.toISOString()]).toEqual([m.key, momentOf.get(m.key.replace(/:n\d+$/, ''))]);
  });
});
