/**
 * The complaint procedure (DOMAIN.md §3) on the time-skipping server: every
 * path and deadline, escalation up to the executive, the unsatisfied loop.
 */
import { useTimeSkippingSystem } from './support/temporal';
import {
  clockTo,
  csr,
  clockEvents,
  eventually,
  eventsUntil as eventsUntilIn,
  fridayLocal,
  HOUR,
  local,
  localDate,
  MINUTE,
  nextLocal,
  rejectionOf,
  supervisor,
  testCalendar,
  resultOf,
} from './support/scenario';
import { actOn, cleaning, complaintIdOf, complaintOf, executive, manager, openComplaint } from './support/complaintScenario';

const system = useTimeSkippingSystem();

const valid = { valid: true, note: '' };
const inScope = { grade: 'general', route: 'inScope', method: '环境部当日清理' };

const eventsUntil = (caseId: string, clock: string, kind: string, count = 1) => eventsUntilIn(system().db, caseId, clock, kind, count);

describe('2. verification', () => {
  it('an invalid complaint is explained to the customer, recorded with its reason and closed', async () => {
    const h = await openComplaint(system().env, { matter: '邻里纠纷' });
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, { valid: false, reason: 'outsideService', explanation: '邻里纠纷不属物业服务范围，建议联系居委会' });
    const result = await resultOf(h);
    expect(result.outcome).toBe('invalid');
    expect(result.view.invalidReason).toBe('outsideService');
    const told = system().channel.sent.find((m) => m.caseId === caseId && m.recipient === 'owner:13700000000');
    expect(told?.text).toContain('居委会');
    const audit = await system().db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['receive', 'verify', 'close']);
    expect((JSON.parse(audit[1]?.detail ?? '{}') as { reason?: string }).reason).toBe('outsideService');
  });

  it('a valid complaint is reported to the supervisor at once', async () => {
    const h = await openComplaint(system().env);
    await actOn(h, 'verify', csr, valid);
    const toSupervisor = await eventually(() =>
      system().channel.sent.find((m) => m.caseId === complaintIdOf(h) && m.recipient === 'role:supervisor' && m.text.includes('新投诉')),
    );
    expect(toSupervisor.text).toContain('请立即定级');
    expect((await complaintOf(h)).stage).toBe('grading');
  });
});

describe('3. grading', () => {
  it('a complaint not graded within an hour escalates to the manager, and no further: company leadership is for major complaints', async () => {
    const h = await openComplaint(system().env);
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    await system().env.sleep(3 * HOUR + MINUTE);
    const events = await eventsUntil(caseId, 'grading', 'breached');
    const start = events[0]?.at.getTime();
    expect(events.filter((e) => e.kind === 'breached' || e.kind === 'escalated').map((e) => [e.recipient, e.at.getTime() - start])).toEqual([['role:manager', HOUR]]);
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:executive')).toBe(false);
  });

  it('only a supervisor may grade: a csr or manager is refused and nothing changes', async () => {
    const h = await openComplaint(system().env);
    await actOn(h, 'verify', csr, valid);
    expect(await rejectionOf(actOn(h, 'grade', csr, inScope))).toBe('Forbidden');
    expect(await rejectionOf(actOn(h, 'grade', manager, inScope))).toBe('Forbidden');
    const view = await complaintOf(h);
    expect([view.stage, view.grade]).toEqual(['grading', undefined]);
  });
});

describe('4. handling deadlines by grade and route', () => {
  it('a general complaint logged after hours on the Friday before a Monday holiday is due by the end of Tuesday', async () => {
    const friday20 = await nextLocal(system().env, fridayLocal, '20:00');
    await clockTo(system().env, friday20);
    const h = await openComplaint(system().env, { calendar: testCalendar({ holidays: [localDate(friday20, 3)] }) });
    await actOn(h, 'verify', csr, valid);
    const view = await actOn(h, 'grade', supervisor, inScope);
    expect(view.clocks.find((c) => c.name === 'handling')?.dueAt).toBe(local(`${localDate(friday20, 4)}T17:30`).toISOString());
  });

  it('a complaint transferred to the cleaning department is due 3 days after it was received, and the department is told', async () => {
    const h = await openComplaint(system().env);
    const caseId = complaintIdOf(h);
    const received = new Date((await complaintOf(h)).receivedAt).getTime();
    await actOn(h, 'verify', csr, valid);
    const view = await actOn(h, 'grade', supervisor, { grade: 'general', route: 'transferred', department: '环境部', method: '转环境部' });
    expect(new Date(view.clocks.find((c) => c.name === 'handling')?.dueAt ?? 0).getTime()).toBe(received + 72 * HOUR);
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:department' && m.text.includes('环境部'))).toBe(true);
    await actOn(h, 'recordHandling', cleaning, { resolution: '已清理并加派保洁' });
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'staff:csr-li' && m.text.includes('clean-he'))).toBe(true);
  });

  it('a complex complaint is answered only after the manager signs off', async () => {
    const h = await openComplaint(system().env);
    await actOn(h, 'verify', csr, valid);
    await actOn(h, 'grade', supervisor, { grade: 'complex', route: 'inScope', method: '协调多部门' });
    let view = await actOn(h, 'recordHandling', csr, { resolution: '已协调处理' });
    expect(view.stage).toBe('awaitingSignOff');
    expect(await rejectionOf(actOn(h, 'replyToCustomer', csr, { channel: 'phone', satisfied: true }))).toBe('InvalidStage');
    expect(await rejectionOf(actOn(h, 'signOff', supervisor, { approved: true }))).toBe('Forbidden');
    view = await actOn(h, 'signOff', manager, { approved: true, comment: '同意' });
    expect(view.stage).toBe('replying');
  });

  it('a major complaint is the manager\'s to handle in person and visit; it closes only with a corrective-action report and a company-wide notice', async () => {
    const h = await openComplaint(system().env, { matter: '电梯困人' });
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    let view = await actOn(h, 'grade', supervisor, { grade: 'major', route: 'inScope', method: '经理出面处理' });
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:manager' && m.text.includes('重大投诉'))).toBe(true);
    expect(view.clocks.find((c) => c.name === 'handling')?.owner).toBe('role:manager');
    expect(view.waitingOn?.who).toBe('服务中心经理');
    // Centre-level: no plan from the company.
    expect(await rejectionOf(actOn(h, 'recordCorrectivePlan', executive, { plan: 'x' }))).toBe('InvalidStage');
    await actOn(h, 'recordHandling', manager, { resolution: '经理上门致歉，电梯全面检修' });
    view = await actOn(h, 'replyToCustomer', csr, { channel: 'visit', satisfied: true });
    expect(view.clocks.find((c) => c.name === 'returnVisit')?.owner).toBe('role:manager');
    expect(await rejectionOf(actOn(h, 'recordReturnVisit', csr, { satisfied: true }))).toBe('Forbidden');
    view = await actOn(h, 'recordReturnVisit', manager, { satisfied: true, note: '客户认可' });
    expect(view.stage).toBe('awaitingAnalysis');
    const analysis = { cause: '维保不到位', prevention: '每周巡检电梯', caseStudy: true };
    expect(await rejectionOf(actOn(h, 'recordAnalysis', supervisor, analysis))).toBe('InvalidInput');
    await actOn(h, 'recordAnalysis', supervisor, { ...analysis, correctiveReport: '纠正措施：更换维保单位', companyNotice: '各项目立即排查电梯维保' });
    const result = await resultOf(h);
    expect(result.view.analysis).toMatchObject({ cause: '维保不到位', caseStudy: true, by: supervisor.id });
    const told = system().channel.sent.filter((m) => m.caseId === caseId && m.text.includes('全公司公告')).map((m) => m.recipient);
    expect(told.sort()).toEqual(['role:csr', 'role:department', 'role:executive', 'role:manager', 'role:supervisor', 'role:technician']);
    const filed = await system().db.ownerFileEntry.findFirst({ where: { kind: 'complaint', ref: caseId } });
    expect(filed?.summary).toContain('重大');
  });

  it('a claim for compensation goes to company leadership whatever its grade: the quality dept plans the correction before handling and makes the visit', async () => {
    const h = await openComplaint(system().env, { matter: '水管爆裂泡坏地板' });
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    const view = await actOn(h, 'grade', supervisor, { grade: 'general', route: 'inScope', method: '上报公司', companyLevel: 'compensation' });
    expect(view.companyLevel).toBe('compensation');
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:executive' && m.text.includes('涉及经济赔偿'))).toBe(true);
    expect(await rejectionOf(actOn(h, 'recordHandling', csr, { resolution: 'x' }))).toBe('InvalidStage');
    await actOn(h, 'recordCorrectivePlan', executive, { plan: '评估损失，按合同赔偿' });
    await actOn(h, 'recordHandling', csr, { resolution: '已按方案赔偿' });
    const replied = await actOn(h, 'replyToCustomer', csr, { channel: 'visit', satisfied: true });
    expect(replied.clocks.find((c) => c.name === 'returnVisit')?.owner).toBe('role:executive');
    expect(await rejectionOf(actOn(h, 'recordReturnVisit', manager, { satisfied: true }))).toBe('Forbidden');
    expect((await actOn(h, 'recordReturnVisit', executive, { satisfied: true })).stage).toBe('awaitingAnalysis');
  });
});

describe('5. reply and the unsatisfied loop', () => {
  it('a customer unsatisfied twice sends it back to handling twice, each round with a fresh same-day deadline', async () => {
    const tue10 = await nextLocal(system().env, 2, '10:00');
    await clockTo(system().env, tue10);
    const h = await openComplaint(system().env);
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    await actOn(h, 'grade', supervisor, inScope);
    await actOn(h, 'recordHandling', csr, { resolution: '已清理' });
    await clockTo(system().env, local(`${localDate(tue10, 1)}T09:00`));
    let view = await actOn(h, 'replyToCustomer', csr, { channel: 'phone', satisfied: false, note: '仍有异味' });
    expect([view.stage, view.round]).toEqual(['handling', 2]);
    expect(view.clocks.find((c) => c.name === 'handling')?.dueAt).toBe(local(`${localDate(tue10, 1)}T17:30`).toISOString());
    await actOn(h, 'recordHandling', csr, { resolution: '消杀除味' });
    await clockTo(system().env, local(`${localDate(tue10, 2)}T18:00`));
    view = await actOn(h, 'replyToCustomer', csr, { channel: 'phone', satisfied: false, note: '还是不行' });
    expect(view.round).toBe(3);
    // Arrived after hours: due by the end of the next working day.
    expect(view.clocks.find((c) => c.name === 'handling')?.dueAt).toBe(local(`${localDate(tue10, 3)}T17:30`).toISOString());
    await actOn(h, 'recordHandling', csr, { resolution: '更换垃圾桶位置' });
    view = await actOn(h, 'replyToCustomer', csr, { channel: 'phone', satisfied: true });
    expect(view.stage).toBe('awaitingReturnVisit');
    const handling = (await clockEvents(system().db, caseId, 'handling')).filter((e) => e.kind === 'started');
    expect(handling).toHaveLength(3);
    // After the second unsatisfied round the manager is told.
    const toManager = system().channel.sent.filter((m) => m.caseId === caseId && m.recipient === 'role:manager' && m.text.includes('一跟到底'));
    expect(toManager.map((m) => m.text.includes('2轮'))).toEqual([true]);
  });

  it('一跟到底: an unsatisfied return visit sends it back to handling with fresh deadlines and counts as 回访不合格; satisfied, it waits for the cause analysis before it closes', async () => {
    const wed10 = await nextLocal(system().env, 3, '10:00');
    await clockTo(system().env, wed10);
    const h = await openComplaint(system().env);
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    await actOn(h, 'grade', supervisor, inScope);
    await actOn(h, 'recordHandling', csr, { resolution: '已清理' });
    await actOn(h, 'replyToCustomer', csr, { channel: 'phone', satisfied: true });
    await clockTo(system().env, local(`${localDate(wed10, 1)}T20:00`));
    let view = await actOn(h, 'recordReturnVisit', csr, { satisfied: false, note: '第二天又脏了' });
    expect([view.stage, view.round, view.unsatisfiedVisits]).toEqual(['handling', 2, 1]);
    // Sent back after hours on Thursday: due by the end of Friday.
    expect(view.clocks.find((c) => c.name === 'handling')?.dueAt).toBe(local(`${localDate(wed10, 2)}T17:30`).toISOString());
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'staff:csr-li' && m.text.includes('第2轮'))).toBe(true);
    await actOn(h, 'recordHandling', csr, { resolution: '增加保洁频次' });
    await actOn(h, 'replyToCustomer', csr, { channel: 'phone', satisfied: true });
    view = await actOn(h, 'recordReturnVisit', csr, { satisfied: true });
    expect(view.stage).toBe('awaitingAnalysis');
    expect(view.waitingOn).toMatchObject({ who: '客服主管', what: '原因分析与预防措施' });
    expect(await rejectionOf(actOn(h, 'recordAnalysis', csr, { cause: 'x', prevention: 'y' }))).toBe('Forbidden');
    await actOn(h, 'recordAnalysis', supervisor, { cause: '保洁排班不足', prevention: '高峰时段加班次' });
    const result = await resultOf(h);
    expect([result.outcome, result.view.unsatisfiedVisits, result.view.analysis?.caseStudy]).toEqual(['closed', 1, false]);
  });

  it('only the manager closes a complaint the customer still rejects, with the reason; the analysis still comes first', async () => {
    const h = await openComplaint(system().env);
    await actOn(h, 'verify', csr, valid);
    await actOn(h, 'grade', supervisor, inScope);
    await actOn(h, 'recordHandling', csr, { resolution: '已清理' });
    await actOn(h, 'replyToCustomer', csr, { channel: 'phone', satisfied: false, note: '要求赔礼道歉' });
    expect(await rejectionOf(actOn(h, 'closeUnresolved', supervisor, { reason: '诉求超出服务范围' }))).toBe('Forbidden');
    expect(await rejectionOf(actOn(h, 'closeUnresolved', manager, { reason: '' }))).toBe('InvalidInput');
    const view = await actOn(h, 'closeUnresolved', manager, { reason: '诉求超出物业服务范围，已书面说明' });
    expect([view.stage, view.unresolvedReason]).toEqual(['awaitingAnalysis', '诉求超出物业服务范围，已书面说明']);
    expect(view.clocks.find((c) => c.name === 'handling')?.status).toBe('cancelled');
    await actOn(h, 'recordAnalysis', supervisor, { cause: '沟通不到位', prevention: '首次答复附书面说明' });
    expect((await resultOf(h)).view.satisfied).toBe(false);
  });
});

describe('2. the promised answer (首问承诺)', () => {
  it('an answer promised for 15:00 and not given by then breaches to the supervisor at 15:00; a promise revised in time is reported to the supervisor at once and counts anew', async () => {
    const mon10 = await nextLocal(system().env, 1, '10:00');
    await clockTo(system().env, mon10);
    const promised = local(`${localDate(mon10)}T15:00`);
    const kept = await openComplaint(system().env, { promisedReplyAt: promised.toISOString() });
    const broken = await openComplaint(system().env, { promisedReplyAt: promised.toISOString() });
    expect((await complaintOf(broken)).clocks.find((c) => c.name === 'promise')?.dueAt).toBe(promised.toISOString());
    await actOn(kept, 'verify', csr, valid);
    const later = local(`${localDate(mon10, 1)}T11:00`);
    expect(await rejectionOf(actOn(kept, 'promiseReply', csr, { at: later.toISOString() }))).toBe('InvalidInput');
    const revised = await actOn(kept, 'promiseReply', csr, { at: later.toISOString(), reason: '需等维修单位报价' });
    expect(revised.clocks.find((c) => c.name === 'promise')?.dueAt).toBe(later.toISOString());
    expect(system().channel.sent.some((m) => m.caseId === complaintIdOf(kept) && m.recipient === 'role:supervisor' && m.text.includes('需等维修单位报价'))).toBe(true);
    await clockTo(system().env, local(`${localDate(mon10)}T16:00`));
    const events = await eventsUntil(complaintIdOf(broken), 'promise', 'breached');
    expect(events.find((e) => e.kind === 'breached')).toMatchObject({ recipient: 'role:supervisor', at: promised });
    expect((await clockEvents(system().db, complaintIdOf(kept), 'promise')).filter((e) => e.kind === 'breached')).toEqual([]);
  });
});

describe('6. return visits', () => {
  it('a return visit not made within 3 days of handling is breached and escalated', async () => {
    const h = await openComplaint(system().env);
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    await actOn(h, 'respond', csr, { channel: 'phone', note: '已受理' });
    await actOn(h, 'grade', supervisor, inScope);
    await actOn(h, 'recordHandling', csr, { resolution: '已清理' });
    await actOn(h, 'replyToCustomer', csr, { channel: 'phone', satisfied: true });
    await system().env.sleep(72 * HOUR + MINUTE);
    const events = await eventsUntil(caseId, 'returnVisit', 'breached');
    const start = events[0]?.at.getTime();
    expect(events.find((e) => e.kind === 'breached')?.at.getTime()).toBe(start + 72 * HOUR);
    expect(events.find((e) => e.kind === 'breached')?.recipient).toBe('role:supervisor');
  });

  it('a repeat complaint is flagged; its rework and its special return visit are both due 24 hours after it was logged', async () => {
    const h = await openComplaint(system().env, { repeatOf: 'C-earlier' });
    const received = new Date((await complaintOf(h)).receivedAt).getTime();
    await actOn(h, 'verify', csr, valid);
    let view = await actOn(h, 'grade', supervisor, inScope);
    expect(new Date(view.clocks.find((c) => c.name === 'handling')?.dueAt ?? 0).getTime()).toBe(received + 24 * HOUR);
    await actOn(h, 'recordHandling', csr, { resolution: '返工清理' });
    view = await actOn(h, 'replyToCustomer', csr, { channel: 'phone', satisfied: true });
    const rv = view.clocks.find((c) => c.name === 'returnVisit');
    expect(view.repeatOf).toBe('C-earlier');
    const toSupervisor = system().channel.sent.find((m) => m.caseId === complaintIdOf(h) && m.recipient === 'role:supervisor');
    expect(toSupervisor?.text).toContain('重复投诉');
    expect(new Date(rv?.dueAt ?? 0).getTime()).toBe(received + 24 * HOUR);
  });
});

describe('escalation on a missed deadline', () => {
  it('an unanswered customer escalates from the first receiver to the supervisor, then the manager an hour later, and ends there', async () => {
    const h = await openComplaint(system().env);
    const caseId = complaintIdOf(h);
    await system().env.sleep(4 * HOUR + MINUTE);
    const events = await eventsUntil(caseId, 'response', 'escalated');
    const start = events[0]?.at.getTime();
    expect(events.map((e) => [e.kind, e.recipient, e.at.getTime() - start])).toEqual([
      ['started', null, 0],
      ['warning', 'staff:csr-li', 30 * MINUTE],
      ['warning', 'staff:csr-li', 48 * MINUTE],
      ['breached', 'role:supervisor', HOUR],
      ['escalated', 'role:manager', 2 * HOUR],
    ]);
  });

  it('a complaint against the manager not handled by the end of its day climbs past the manager to company leadership, one level per allowed time', async () => {
    const tue10 = await nextLocal(system().env, 2, '10:00');
    await clockTo(system().env, tue10);
    const h = await openComplaint(system().env, { matter: '项目经理服务态度' });
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    await actOn(h, 'grade', supervisor, { grade: 'general', route: 'inScope', method: '上报公司', companyLevel: 'againstManager' });
    await clockTo(system().env, local(`${localDate(tue10, 3)}T12:00`));
    const events = await eventsUntil(caseId, 'handling', 'escalated', 2);
    // Same day from Tuesday 10:00: due 17:30, 7.5 business hours allowed; each further level 7.5 business hours later.
    // (The case was received moments after 10:00 on the server's running clock, so each allowance is that much short of 7.5 hours.)
    const levels = events.filter((e) => e.kind === 'breached' || e.kind === 'escalated');
    expect(levels.map((e) => e.recipient)).toEqual(['role:supervisor', 'role:manager', 'role:executive']);
    const expected = [local(`${localDate(tue10)}T17:30`), local(`${localDate(tue10, 1)}T16:00`), local(`${localDate(tue10, 2)}T14:30`)];
    levels.forEach((e, n) => expect(Math.abs(e.at.getTime() - (expected[n]).getTime())).toBeLessThan(3_000));
  });

  it('a major complaint the manager has not handled by the end of its day is reported to company leadership at the close', async () => {
    const tue10 = await nextLocal(system().env, 2, '10:00');
    await clockTo(system().env, tue10);
    const h = await openComplaint(system().env, { matter: '电梯困人' });
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    await actOn(h, 'grade', supervisor, { grade: 'major', route: 'inScope', method: '经理出面处理' });
    await clockTo(system().env, local(`${localDate(tue10, 1)}T09:00`));
    const events = await eventsUntil(caseId, 'handling', 'breached');
    expect(events.filter((e) => e.kind === 'breached').map((e) => [e.recipient, e.at.toISOString()])).toEqual([['role:executive', local(`${localDate(tue10)}T17:30`).toISOString()]]);
    expect(events.filter((e) => e.kind === 'warning').map((e) => e.recipient)).toEqual(['role:manager', 'role:manager']);
  });
});
