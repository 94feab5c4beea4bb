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

  it('a major complaint goes to the executive, needs a corrective plan before handling, and is visited by the manager', async () => {
    const h = await openComplaint(system().env, { matter: '项目经理服务态度' });
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    await actOn(h, 'grade', supervisor, { grade: 'major', route: 'inScope', method: '上报公司' });
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:executive' && m.text.includes('重大投诉'))).toBe(true);
    expect(await rejectionOf(actOn(h, 'recordHandling', csr, { resolution: 'x' }))).toBe('InvalidStage');
    await actOn(h, 'recordCorrectivePlan', executive, { plan: '项目经理书面检讨，服务培训' });
    await actOn(h, 'recordHandling', supervisor, { resolution: '已约谈项目经理并致歉' });
    const view = await actOn(h, 'replyToCustomer', csr, { channel: 'visit', satisfied: true });
    expect(view.clocks.find((c) => c.name === 'returnVisit')?.owner).toBe('role:manager');
    expect(await rejectionOf(actOn(h, 'recordReturnVisit', csr, { satisfied: true }))).toBe('Forbidden');
    await actOn(h, 'recordReturnVisit', manager, { satisfied: true, note: '客户认可' });
    const result = await resultOf(h);
    expect(result.view.correctivePlan).toContain('培训');
    const filed = await system().db.ownerFileEntry.findFirst({ where: { kind: 'complaint', ref: caseId } });
    expect(filed?.summary).toContain('重大');
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

  it('a repeat complaint is flagged, reworked within 24 hours and visited within 24 hours', async () => {
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
    const started = (await clockEvents(system().db, complaintIdOf(h), 'returnVisit'))[0];
    expect(new Date(rv?.dueAt ?? 0).getTime() - (started?.at.getTime() ?? 0)).toBe(24 * HOUR);
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

  it('a major complaint not handled by the end of its day climbs past the manager to company leadership', async () => {
    const tue10 = await nextLocal(system().env, 2, '10:00');
    await clockTo(system().env, tue10);
    const h = await openComplaint(system().env);
    const caseId = complaintIdOf(h);
    await actOn(h, 'verify', csr, valid);
    await actOn(h, 'grade', supervisor, { grade: 'major', route: 'inScope', method: '上报公司' });
    await clockTo(system().env, local(`${localDate(tue10, 3)}T12:00`));
    const events = await eventsUntil(caseId, 'handling', 'escalated', 2);
    // Same day from Tuesday 10:00: due 17:30, 7.5 business hours allowed; each further level 7.5 business hours later.
    // (The case was received moments after 10:00 on the server's running clock, so each allowance is that much short of 7.5 hours.)
    const levels = events.filter((e) => e.kind === 'breached' || e.kind === 'escalated');
    expect(levels.map((e) => e.recipient)).toEqual(['role:supervisor', 'role:manager', 'role:executive']);
    const expected = [local(`${localDate(tue10)}T17:30`), local(`${localDate(tue10, 1)}T16:00`), local(`${localDate(tue10, 2)}T14:30`)];
    levels.forEach((e, n) => expect(Math.abs(e.at.getTime() - (expected[n]).getTime())).toBeLessThan(3_000));
  });
});
