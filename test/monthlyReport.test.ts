/**
 * The monthly report (月度报表) over a seeded November 2030 on a real database:
 * cases of several procedures, met and breached deadlines, return visits done,
 * late and missing, a repeat complaint, a unit with the same repair three times —
 * and records a minute either side of the month, which must not count.
 */
import { randomUUID } from 'node:crypto';
import { type Activities, createActivities } from '../activities';
import type { Db } from '../db/client';
import { type MonthlyReport, monthlyReport, monthlyReportCsv, monthlyReportQuerySchema } from '../api/monthlyReport';
import { BusinessCalendar } from '../workflows/lib/calendar';
import type { Actor } from '../workflows/lib/roles';
import { complaintDeadlines, complaintSteps } from '../workflows/complaint/complaint.policy';
import { communityEventDeadlines, communityEventSteps, returnVisitSample } from '../workflows/communityEvent/communityEvent.policy';
import { repairDeadlines, repairSteps } from '../workflows/repair/repair.policy';
import { capturingChannel } from './support/channel';
import { CaseWriter } from './support/caseWriter';
import { createTestDb } from './support/db';
import { local, testCalendar } from './support/scenario';

const csr: Actor = { id: 'csr-li', role: 'csr' };
const manager: Actor = { id: 'mgr-zhou', role: 'manager' };
const cal = new BusinessCalendar(testCalendar());
const run = randomUUID().slice(0, 6).toUpperCase();
const id = (name: string) => `${name}-${run}`;

const ids = {
  kitchenOct: id('BX-A1'),
  kitchenNov: id('BX-A2'),
  kitchenLate: id('BX-A3'),
  lightLateVisit: id('BX-B1'),
  lightOpen: id('BX-B2'),
  nextMonthRepair: id('BX-N1'),
  lateOctComplaint: id('TS-C0'),
  noise: id('TS-C1'),
  noiseAgain: id('TS-C2'),
  nextMonthComplaint: id('TS-C3'),
  festival: id('HD-E1'),
  keyLoan: id('JY-K1'),
};
const noiseMatter = '装修噪音, "夜间"施工';

let db: Db;
let acts: Activities;
let report: MonthlyReport;

const open = (caseId: string, procedure: string, unit: string, summary: string, openedAt: string) =>
  CaseWriter.open(acts, cal, { caseId, procedure, unit, summary, openedAt: local(openedAt) }, csr);

/** A repair: registered, the owner answered, completed, visited (or not), closed once visited. */
async function repair(
  caseId: string,
  unit: string,
  fault: string,
  p: { registered: string; responded?: string; completed?: string; problemVisit?: string; visited?: string },
) {
  const c = open(caseId, 'repair', unit, fault, p.registered);
  await c.step('register', csr, local(p.registered), { channel: 'phone', paid: { kind: 'free' } });
  if (p.responded) {
    await c.startClock('response', repairSteps.response, repairDeadlines.response, local(p.registered));
    await c.stopClock('response', local(p.responded));
    await c.step('respondToOwner', csr, local(p.responded), { note: '已回复' });
  }
  if (!p.completed) return c;
  await c.step('reportCompletion', { id: 'tech-zhao', role: 'technician' }, local(p.completed), { workDone: '已修复' });
  await c.startClock('returnVisit', repairSteps.returnVisit, repairDeadlines.returnVisit, local(p.completed));
  if (!p.visited) return c;
  if (p.problemVisit) {
    // 回访不合格: the visit found a problem; the rework was done and the second visit satisfied.
    const problem = { satisfied: false, rating: 2, feeConfirmed: true, problemFound: true, note: '仍滴水' };
    await c.step('recordReturnVisit', csr, local(p.problemVisit), problem, undefined, [{ kind: 'returnVisit', round: 1, visitor: csr.id, ...problem }]);
  }
  await c.stopClock('returnVisit', local(p.visited));
  const visit = { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false, note: '满意' };
  await c.step('recordReturnVisit', csr, local(p.visited), visit, undefined, [{ kind: 'returnVisit', round: p.problemVisit ? 2 : 1, visitor: csr.id, ...visit }]);
  await c.step('close', { id: 'system', role: 'system' }, local(p.visited), { outcome: 'closed' }, 'closed');
  return c;
}

/** A complaint: received (a repeat names the earlier one), answered to satisfaction, visited, closed. */
async function complaint(
  caseId: string,
  p: { received: string; repeatOf?: string; responded?: string; replied?: string; unsatisfiedVisit?: string; visited?: string; caseStudy?: boolean },
) {
  const c = open(caseId, 'complaint', '5-1-501', `${noiseMatter}：楼上每晚十点后施工`, p.received);
  await c.step('receive', csr, local(p.received), { channel: 'phone', matter: noiseMatter, repeatOf: p.repeatOf });
  if (p.responded) {
    await c.startClock('response', complaintSteps.response, complaintDeadlines.response, local(p.received));
    await c.stopClock('response', local(p.responded));
    await c.step('respond', csr, local(p.responded), { note: '已联系' });
  }
  if (!p.replied) return c;
  const rule = p.repeatOf ? complaintDeadlines.repeatReturnVisit : complaintDeadlines.returnVisit;
  await c.step('replyToCustomer', csr, local(p.replied), { satisfied: true });
  await c.startClock('returnVisit', complaintSteps.returnVisit, rule, local(p.replied));
  if (!p.visited) return c;
  if (p.unsatisfiedVisit) await c.step('recordReturnVisit', csr, local(p.unsatisfiedVisit), { satisfied: false, note: '夜间仍有施工' });
  await c.stopClock('returnVisit', local(p.visited));
  await c.step('recordReturnVisit', csr, local(p.visited), { satisfied: true });
  const analysis = { cause: '装修管理不到位', prevention: '装修前书面告知施工时间', caseStudy: p.caseStudy ?? false };
  await c.step('recordAnalysis', { id: 'sup-wang', role: 'supervisor' }, local(p.visited), analysis);
  await c.step('close', { id: 'system', role: 'system' }, local(p.visited), { outcome: 'closed' }, 'closed');
  return c;
}

/** The seeded month, November 2030 (Shanghai time). */
async function seedNovember() {
  // Unit 1-1-101: the kitchen tap three times within the quarter (once in late October).
  await repair(ids.kitchenOct, '1-1-101', '厨房水龙头漏水', {
    registered: '2030-10-31T23:59', // the last minute of October: not opened in November
    responded: '2030-11-01T08:40', // an hour allowed: breached at 00:59, escalated at 01:59 and 02:59
    completed: '2030-11-02T10:00',
    visited: '2030-11-03T09:00',
  });
  await repair(ids.kitchenNov, '1-1-101', ' 厨房水龙头 漏水。', {
    registered: '2030-11-10T09:00',
    responded: '2030-11-10T09:20',
    completed: '2030-11-10T15:00',
    problemVisit: '2030-11-10T16:00',
    visited: '2030-11-11T09:00',
  });
  const kitchenLate = await repair(ids.kitchenLate, '1-1-101', '厨房水龙头漏水', {
    registered: '2030-11-20T09:00',
    responded: '2030-11-20T10:30', // late: breached at 10:00
    completed: '2030-11-20T16:00', // the return visit never happens
  });
  await kitchenLate.advanceTo(local('2030-12-01T00:00'));
  // Unit 2-2-202: the bathroom light twice only.
  await repair(ids.lightLateVisit, '2-2-202', '卫生间灯不亮', {
    registered: '2030-11-05T09:00',
    completed: '2030-11-05T11:00',
    visited: '2030-11-08T12:00', // due 11-07 11:00
  });
  await repair(ids.lightOpen, '2-2-202', '卫生间灯不亮', { registered: '2030-11-12T09:00' });
  // The first minute of December belongs to December.
  await repair(ids.nextMonthRepair, '3-3-303', '卫生间灯不亮', { registered: '2030-12-01T00:00', responded: '2030-12-01T00:20' });

  // Complaints from 5-1-501 about night-time renovation noise.
  // Received on 31 October at 20:00, answered the next morning: breached and escalated in October.
  await complaint(ids.lateOctComplaint, { received: '2030-10-31T20:00', repeatOf: id('TS-OLD'), responded: '2030-11-01T09:00' });
  await complaint(ids.noise, { received: '2030-11-03T10:00', replied: '2030-11-04T10:00', unsatisfiedVisit: '2030-11-04T15:00', visited: '2030-11-05T10:00', caseStudy: true });
  await complaint(ids.noiseAgain, {
    received: '2030-11-15T10:00',
    repeatOf: ids.noise,
    replied: '2030-11-16T10:00',
    visited: '2030-11-17T15:00', // a repeat is visited within 24 hours: late
  });
  await complaint(ids.nextMonthComplaint, { received: '2030-12-01T00:00', repeatOf: ids.noiseAgain });

  // A community event planned in September, held on 8 November, 20 participants, 10% visited.
  const festival = open(ids.festival, 'communityEvent', '社区', '重阳游园会（2030-11-08）', '2030-09-01T10:00');
  await festival.step('plan', csr, local('2030-09-01T10:00'), { planId: 'P2030', date: '2030-11-08' });
  await festival.startClock('returnVisit', communityEventSteps.returnVisit, communityEventDeadlines.returnVisit, local('2030-11-09T00:00'));
  const participants = Array.from({ length: 20 }, (_, i) => `居民${i + 1}`);
  const sample = returnVisitSample(ids.festival, participants);
  await festival.step('recordParticipants', csr, local('2030-11-09T09:00'), { count: participants.length, sample });
  await festival.step('recordEventReturnVisit', csr, local('2030-11-12T10:00'), { participant: sample[0], answer: '很好' });
  await festival.step('recordEventReturnVisit', manager, local('2030-11-13T10:00'), { participant: sample[1], answer: '希望多办' });
  await festival.stopClock('returnVisit', local('2030-11-13T10:00'));
  await festival.step('close', { id: 'system', role: 'system' }, local('2030-11-13T10:00'), { outcome: 'closed' }, 'closed');

  // A key lent in the last minute of November, still out at its end.
  const loan = open(ids.keyLoan, 'keyLoan', '1-1-101', '入户门钥匙借用', '2030-11-30T23:59');
  await loan.step('request', csr, local('2030-11-30T23:59'), { purpose: '维修' });
}

beforeAll(async () => {
  db = createTestDb();
  acts = createActivities(db, capturingChannel());
  await seedNovember();
  report = await monthlyReport(db, cal, '2030-11');
});
afterAll(async () => {
  await db.$disconnect();
});

describe('the monthly report of November 2030', () => {
  it('covers the local calendar month: from 1 November 00:00 to 1 December 00:00, Shanghai time', () => {
    expect(report).toMatchObject({
      month: '2030-11',
      timezone: 'Asia/Shanghai',
      from: '2030-11-01T00:00:00+08:00',
      to: '2030-12-01T00:00:00+08:00',
    });
  });

  it('counts cases opened and closed in the month and those still open at its end, a minute either side excluded', () => {
    expect(report.cases).toEqual([
      // Opened: the kitchen tap twice, the light twice (not 31 Oct 23:59 nor 1 Dec 00:00); closed: three visited repairs.
      { procedure: 'repair', opened: 4, closed: 3, openAtMonthEnd: 2 },
      // Opened: the noise and its repeat; the 31 October complaint is still open; the 1 December one is not yet counted.
      { procedure: 'complaint', opened: 2, closed: 2, openAtMonthEnd: 1 },
      // The key lent at 23:59 on 30 November is November's, and still out.
      { procedure: 'keyLoan', opened: 1, closed: 0, openAtMonthEnd: 1 },
      { procedure: 'keyReplacement', opened: 0, closed: 0, openAtMonthEnd: 0 },
      { procedure: 'archiveAccess', opened: 0, closed: 0, openAtMonthEnd: 0 },
      { procedure: 'moveIn', opened: 0, closed: 0, openAtMonthEnd: 0 },
      // Planned in September, closed in November.
      { procedure: 'communityEvent', opened: 0, closed: 1, openAtMonthEnd: 0 },
      { procedure: 'monthlyFiling', opened: 0, closed: 0, openAtMonthEnd: 0 },
      { procedure: 'keyCheck', opened: 0, closed: 0, openAtMonthEnd: 0 },
      { procedure: 'repairVisitSample', opened: 0, closed: 0, openAtMonthEnd: 0 },
    ]);
  });

  it('counts a step answered after its breach as missed once, never also as met', () => {
    const response = report.deadlines.find((r) => r.procedure === 'repair' && r.clock === 'response');
    // Met: 11-10 (20 minutes). Missed: 31 Oct's call breached at 00:59 on 1 Nov (then escalated to the
    // manager and the executive), 11-20 breached at 10:00. Warnings: both late calls at 30 and 48 minutes.
    // Both late calls were answered in the end: neither counts as met. The 1 December call is not counted.
    expect(response).toEqual({ procedure: 'repair', clock: 'response', step: '回复业主', met: 1, missed: 2, warnings: 4, escalations: 2, metRate: 1 / 3 });
  });

  it('counts return-visit deadlines met, missed, warned and escalated to the manager and the executive', () => {
    expect(report.deadlines.filter((r) => r.clock === 'returnVisit')).toEqual([
      // Met: 1-1-101 twice. Missed: the visit never made (warned twice, escalated twice) and the visit a day late (warned twice).
      { procedure: 'repair', clock: 'returnVisit', step: '回访业主', met: 2, missed: 2, warnings: 2 + 2, escalations: 2, metRate: 0.5 },
      // The repeat complaint was visited 29 hours after the reply: 24 hours allowed.
      { procedure: 'complaint', clock: 'returnVisit', step: '投诉回访', met: 1, missed: 1, warnings: 2, escalations: 0, metRate: 0.5 },
      { procedure: 'communityEvent', clock: 'returnVisit', step: '活动回访', met: 1, missed: 0, warnings: 0, escalations: 0, metRate: 1 },
    ]);
  });

  it('leaves out a clock breached last month and only finished this month (October counted it)', async () => {
    const late = await db.deadlineEvent.findMany({ where: { caseId: ids.lateOctComplaint, kind: { in: ['breached', 'met'] } }, orderBy: { at: 'asc' } });
    expect(late.map((e) => [e.kind, e.at.toISOString()])).toEqual([
      ['breached', local('2030-10-31T21:00').toISOString()],
      ['met', local('2030-11-01T09:00').toISOString()],
    ]);
    // The 31 October complaint's late answer on 1 November is not a November figure: no complaint/response row.
    expect(report.deadlines.map((r) => `${r.procedure}/${r.clock}`)).toEqual([
      'repair/response',
      'repair/returnVisit',
      'complaint/returnVisit',
      'communityEvent/returnVisit',
    ]);
  });

  it('a repair whose return visit never happened, and one visited late, keep repairs below the required 100%', () => {
    expect(report.returnVisits.find((r) => r.procedure === 'repair')).toEqual({
      procedure: 'repair',
      basis: 'cases',
      needed: 4, // completed in November: 31 Oct's call (completed 11-02), 11-10, 11-20, 11-05
      visited: 3,
      onTime: 2,
      rate: 0.75,
      onTimeRate: 0.5,
      requiredRate: 1,
      meetsRequirement: false,
    });
  });

  it('a repeat complaint visited after its 24 hours fails the 100% on-time requirement though every complaint was visited', () => {
    expect(report.returnVisits.find((r) => r.procedure === 'complaint')).toEqual({
      procedure: 'complaint',
      basis: 'cases',
      needed: 2,
      visited: 2,
      onTime: 1,
      rate: 1,
      onTimeRate: 0.5,
      requiredRate: 1,
      meetsRequirement: false,
    });
  });

  it('an event that visited its 10% sample of participants within the month meets its requirement', () => {
    expect(report.returnVisits.find((r) => r.procedure === 'communityEvent')).toEqual({
      procedure: 'communityEvent',
      basis: 'participants',
      needed: 20,
      visited: 2,
      onTime: 2,
      rate: 0.1,
      onTimeRate: 0.1,
      requiredRate: 0.1,
      meetsRequirement: true,
    });
  });

  it('lists the repeat complaint opened in November, not those of 31 October or 1 December', () => {
    expect(report.repeatComplaints).toEqual([
      { caseId: ids.noiseAgain, unit: '5-1-501', matter: noiseMatter, repeatOf: ids.noise, openedAt: '2030-11-15T10:00:00+08:00' },
    ]);
  });

  it('lists the unit with the same repair three times within the quarter (spacing and punctuation aside), not the one with two', () => {
    expect(report.repeatedRepairs).toEqual([
      { centre: 'default', unit: '1-1-101', fault: '厨房水龙头漏水', count: 3, caseIds: [ids.kitchenOct, ids.kitchenNov, ids.kitchenLate] },
    ]);
  });
});

describe('the monthly report as CSV', () => {
  let csv: string;
  beforeAll(() => {
    csv = monthlyReportCsv(report);
  });

  it('opens in Excel with Chinese intact: a byte-order mark, then the title and whose figures they are', () => {
    expect(csv.startsWith('\uFEFF月度报表,2030-11\r\n服务中心,全公司（所有服务中心）\r\n统计区间,2030-11-01 00:00 至 2030-12-01 00:00（Asia/Shanghai）\r\n')).toBe(true);
  });

  it('ends every line with CRLF', () => {
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('has one section per table, each with its Chinese header row', () => {
    const lines = csv.split('\r\n');
    const after = (title: string) => lines.slice(lines.indexOf(title) + 1, lines.indexOf(title) + 3);
    expect(after('一、案件数量')).toEqual(['业务,本月受理,本月结案,月末未结', '报修,4,3,2']);
    expect(after('二、时限执行情况')).toEqual(['业务,环节,按时完成,超时,预警次数,升级次数,按时率', '报修,回复业主,1,2,4,2,33.3%']);
    expect(after('三、回访情况')).toEqual([
      '业务,统计对象,应回访,已回访,按时回访,回访率,按时回访率,规定比例,是否达标',
      '报修,案件,4,3,2,75.0%,50.0%,100.0%,否',
    ]);
    expect(after('四、重复投诉')).toEqual([
      '受理编号,房号,投诉事项,前次投诉,受理时间',
      // The matter holds a comma and quotes: quoted, quotes doubled.
      `${ids.noiseAgain},5-1-501,"装修噪音, ""夜间""施工",${ids.noise},2030-11-15 10:00`,
    ]);
    expect(after('五、同一房屋同一报修三次及以上')).toEqual([
      '服务中心,房号,报修内容,次数,受理编号',
      `default,1-1-101,厨房水龙头漏水,3,${ids.kitchenOct}、${ids.kitchenNov}、${ids.kitchenLate}`,
    ]);
    expect(lines).toContain('社区活动,参加人员,20,2,2,10.0%,10.0%,10.0%,是');
    expect(after('六、回访不合格')).toEqual(['业务,受理编号,房号,回访时间,回访人,回访记录', `报修,${ids.kitchenNov},1-1-101,2030-11-10 16:00,csr-li,仍滴水`]);
    expect(after('七、投诉案例')).toEqual(['受理编号,房号,投诉事项,原因分析,预防措施,记录人,记录时间', `${ids.noise},5-1-501,"装修噪音, ""夜间""施工",装修管理不到位,装修前书面告知施工时间,sup-wang,2030-11-05 10:00`]);
  });
});

describe('回访不合格 and the complaint cases (003 回访的统计)', () => {
  it('lists every return visit of the month that found the customer unsatisfied or a problem, repairs first, and no satisfied one', () => {
    expect(report.unsatisfiedVisits.map((r) => [r.procedure, r.caseId, r.at, r.note])).toEqual([
      ['repair', ids.kitchenNov, '2030-11-10T16:00:00+08:00', '仍滴水'],
      ['complaint', ids.noise, '2030-11-04T15:00:00+08:00', '夜间仍有施工'],
    ]);
  });

  it('lists the complaints kept as case studies with their cause and prevention, not the analyses kept only on the case', () => {
    expect(report.caseStudies).toEqual([
      { caseId: ids.noise, unit: '5-1-501', matter: noiseMatter, cause: '装修管理不到位', prevention: '装修前书面告知施工时间', recordedBy: 'sup-wang', at: '2030-11-05T10:00:00+08:00' },
    ]);
  });
});

describe('the report query', () => {
  it('takes a month as YYYY-MM and an optional format', () => {
    expect(monthlyReportQuerySchema.parse({ month: '2030-11', format: 'csv' })).toEqual({ month: '2030-11', format: 'csv' });
    expect(monthlyReportQuerySchema.parse({ month: '2030-11' })).toEqual({ month: '2030-11' });
  });

  it.each([{ month: '2030-13' }, { month: '2030-1' }, { month: '2030-11-01' }, { month: '2030-11', format: 'xlsx' }, { month: '2030-11', extra: '1' }, {}])(
    'refuses %j',
    (query) => {
      expect(monthlyReportQuerySchema.safeParse(query).success).toBe(false);
    },
  );
});
