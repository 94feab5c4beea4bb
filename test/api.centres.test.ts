/**
 * Many service centres, one company (issue 14): every case belongs to one
 * centre; a centre's staff see and act on their own centre's cases only (another
 * centre's case is 404, as if it did not exist), the executive sees every
 * centre, and a case counts its deadlines on its centre's calendar.
 */
import { randomUUID } from 'node:crypto';
import { addStaffMember } from '../api/staffTokens';
import type { CaseListItem, InboxItem } from '../api/cases';
import type { Actor } from '../workflows/lib/roles';
import { caseCentre } from '../workflows/lib/searchAttributes';
import { repairWorkflowId, type RepairView } from '../workflows/repair/repair.messages';
import { type ErrorReply, useStaffHttp } from './support/http';
import { eventually, local, localDate, testCalendar } from './support/scenario';
import { taskQueue } from './support/temporal';
import { centreCalendarOf } from '../api/centres';
import type { KeyRecord } from '../workflows/keys/keyRegister';
import { keyCheckContract, weeklyKeyCheckCaseId } from '../workflows/keys/keyCheck.messages';
import type { KeyAuditReport } from '../activities/keys';
import { allCentreSchedules } from '../scripts/schedules';

const northCsr: Actor = { id: 'csr-north', role: 'csr' };
const southCsr: Actor = { id: 'csr-south', role: 'csr' };
const bothCsr: Actor = { id: 'csr-both', role: 'csr' };
const northTech: Actor = { id: 'tech-north', role: 'technician' };
const southSupervisor: Actor = { id: 'sup-south', role: 'supervisor' };
const executive: Actor = { id: 'exec-zhou', role: 'executive' };
const northSupervisor: Actor = { id: 'sup-north', role: 'supervisor' };
const northManager: Actor = { id: 'mgr-north', role: 'manager' };

const ctx = useStaffHttp(northCsr);
const post = <T = unknown>(path: string, actor: Actor, body?: unknown) => ctx.http.post<T>(path, actor, body);
const get = <T = unknown>(path: string, actor: Actor) => ctx.http.get<T>(path, actor);

interface Opened {
  caseId: string;
  stage: string;
}

const registration = (extra: Record<string, unknown> = {}) => ({ unit: `1-1-${randomUUID().slice(0, 6)}`, ownerName: '张先生', ownerPhone: '13812345678', fault: '卫生间漏水', channel: 'phone', ...extra });

async function openRepair(actor: Actor, extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await post<Opened>('/repairs', actor, registration(extra));
  expect([reply.status, reply.body]).toEqual([201, expect.objectContaining({ stage: 'recording' })]);
  return reply.body.caseId;
}

beforeAll(async () => {
  const db = ctx.sys.db;
  await db.centre.create({ data: { id: 'north', name: '北区服务中心', calendar: JSON.stringify({ open: '09:00', close: '18:00' }) } });
  await db.centre.create({ data: { id: 'south', name: '南区服务中心' } });
  // Tokens come from the same module as `npm run staff:add -- --centre`; the test client then reuses them.
  for (const [actor, centres] of [[northCsr, ['north']], [northTech, ['north']], [southCsr, ['south']], [southSupervisor, ['south']], [northSupervisor, ['north']], [northManager, ['north']], [bothCsr, ['north', 'south']]] as const) {
    await addStaffMember(db, { id: actor.id, name: actor.id, role: actor.role }, '', [...centres]);
  }
});

describe('a case belongs to the centre that opened it', () => {
  it("another centre's staff get 404 for its case, its history and its actions, as for a case that does not exist", async () => {
    const caseId = await openRepair(northCsr);
    expect((await get(`/repairs/${caseId}`, northCsr)).status).toBe(200);
    for (const path of [`/repairs/${caseId}`, `/repairs/${caseId}/history`, `/cases/${caseId}`, `/cases/${caseId}/history`]) {
      const reply = await get<ErrorReply>(path, southSupervisor);
      expect([path, reply.status, reply.body.code]).toEqual([path, 404, 'CaseNotFound']);
    }
    const acted = await post<ErrorReply>(`/repairs/${caseId}/actions/fillServiceRecord`, southCsr, {});
    expect([acted.status, acted.body.code]).toEqual([404, 'CaseNotFound']);
    // Nothing happened to the case: it still waits for the north csr's service record.
    expect((await get<RepairView>(`/repairs/${caseId}`, northCsr)).body.stage).toBe('recording');
    const unknown = await get<ErrorReply>(`/cases/${caseId.slice(0, -6)}ZZZZZZ`, southSupervisor);
    expect(unknown.body.code).toBe(acted.body.code);
    // In the Temporal UI a supervisor finds the case under its centre.
    const described = await ctx.sys.env.client.workflow.getHandle(repairWorkflowId(caseId)).describe();
    expect(described.typedSearchAttributes.get(caseCentre)).toBe('north');
  });

  it("each centre's inbox and case list hold its own cases only; the executive sees every centre and can list one", async () => {
    const north = await openRepair(northCsr);
    const south = await openRepair(southCsr);
    const ids = (items: { caseId: string }[]) => items.map((i) => i.caseId);
    // Notified to engineering, each job waits for any technician of its centre to take it.
    for (const [caseId, actor] of [[north, northCsr], [south, southCsr]] as const) expect((await post(`/repairs/${caseId}/actions/fillServiceRecord`, actor, {})).status).toBe(200);
    const techInbox = await get<{ items: InboxItem[] }>('/inbox?limit=200', northTech);
    expect(ids(techInbox.body.items)).toContain(north);
    expect(ids(techInbox.body.items)).not.toContain(south);
    const southInbox = await get<{ items: InboxItem[] }>('/inbox?limit=200', southCsr);
    expect(ids(southInbox.body.items)).toContain(south);
    expect(ids(southInbox.body.items)).not.toContain(north);

    const southList = await get<{ total: number; items: CaseListItem[] }>('/cases?limit=200', southSupervisor);
    expect(southList.body.items.every((i) => i.centre === 'south')).toBe(true);
    expect(ids(southList.body.items)).toContain(south);
    // A centre they do not work for lists nothing, rather than saying what is there.
    expect((await get<{ total: number }>('/cases?centre=north', southSupervisor)).body.total).toBe(0);

    const all = await get<{ items: CaseListItem[] }>('/cases?limit=200', executive);
    expect(ids(all.body.items)).toEqual(expect.arrayContaining([north, south]));
    const onlyNorth = await get<{ items: CaseListItem[] }>('/cases?limit=200&centre=north', executive);
    expect(new Set(onlyNorth.body.items.map((i) => i.centre))).toEqual(new Set(['north']));
    expect((await get(`/repairs/${south}`, executive)).status).toBe(200);
    expect(await ctx.sys.db.case.findUnique({ where: { id: north }, select: { centre: true } })).toEqual({ centre: 'north' });
  });

  it("each centre's monthly report counts its own cases; the company level reads one centre or every centre", async () => {
    const month = new Date((await ctx.sys.env.currentTimeMs()) + 8 * 3_600_000).toISOString().slice(0, 7);
    const repairsOpened = async (actor: Actor, centre?: string) => {
      const reply = await get<{ centres: string[] | null; cases: { procedure: string; opened: number }[] }>(`/reports/monthly?month=${month}${centre ? `&centre=${centre}` : ''}`, actor);
      expect(reply.status).toBe(200);
      return { centres: reply.body.centres, opened: reply.body.cases.find((c) => c.procedure === 'repair')?.opened ?? 0 };
    };
    const before = { south: await repairsOpened(southSupervisor), north: await repairsOpened(executive, 'north'), all: await repairsOpened(executive) };
    expect(before.north.opened).toBeGreaterThan(0);
    await openRepair(northCsr);
    expect(await repairsOpened(southSupervisor)).toEqual({ centres: ['south'], opened: before.south.opened });
    expect(await repairsOpened(executive, 'north')).toEqual({ centres: ['north'], opened: before.north.opened + 1 });
    expect(await repairsOpened(executive)).toEqual({ centres: null, opened: before.all.opened + 1 });
    // A centre the supervisor does not work for reports nothing, rather than what is there.
    expect(await repairsOpened(southSupervisor, 'north')).toEqual({ centres: [], opened: 0 });

    // Side by side: every centre's own figures.
    type Report = { cases: { procedure: string; opened: number }[] };
    const sideBySide = await get<Report & { byCentre: { centre: string; name: string; report: Report }[] }>(`/reports/monthly?month=${month}&by=centre`, executive);
    expect(sideBySide.status).toBe(200);
    const opened = (r: Report) => r.cases.find((c) => c.procedure === 'repair')?.opened ?? 0;
    expect(sideBySide.body.byCentre.map((c) => c.centre)).toEqual(expect.arrayContaining(['default', 'north', 'south']));
    expect(sideBySide.body.byCentre.find((c) => c.centre === 'north')).toMatchObject({ name: '北区服务中心' });
    expect(opened(sideBySide.body.byCentre.find((c) => c.centre === 'north')?.report ?? { cases: [] })).toBe(before.north.opened + 1);
    expect(opened(sideBySide.body.byCentre.find((c) => c.centre === 'south')?.report ?? { cases: [] })).toBe(before.south.opened);
    // A centre's supervisor side by side sees their own centre only.
    const own = await get<{ byCentre: { centre: string }[] }>(`/reports/monthly?month=${month}&by=centre`, southSupervisor);
    expect(own.body.byCentre.map((c) => c.centre)).toEqual(['south']);
    // The CSV says whose figures each block holds: the company's, then each centre's by name.
    const csv = await get<string>(`/reports/monthly?month=${month}&by=centre&format=csv`, executive);
    const whoseLine = (line: string) => /^服务中心,[^,]*$/.test(line);
    const whose = csv.body.split('\r\n').filter(whoseLine);
    expect(whose).toEqual(expect.arrayContaining(['服务中心,全公司（所有服务中心）', '服务中心,北区服务中心', '服务中心,南区服务中心']));
    expect(whose[0]).toBe('服务中心,全公司（所有服务中心）');
    const southCsv = await get<string>(`/reports/monthly?month=${month}&format=csv`, southSupervisor);
    expect(southCsv.body.split('\r\n').filter(whoseLine)).toEqual(['服务中心,南区服务中心']);
  });

  it("each centre's supervisor hands its own month's report to its own manager, once per centre", async () => {
    // A past month, cleared first: on a shared database (PostgreSQL in CI) an earlier run's handover stays.
    const month = `2002-${String(1 + (Date.now() % 12)).padStart(2, '0')}`;
    await ctx.sys.db.reportHandover.deleteMany({ where: { month } });
    type Handover = { centre: string; handedBy: string; acknowledgedBy: string | null };
    const north = await post<Handover>(`/reports/monthly/${month}/handover`, northSupervisor, { note: '北区回访不合格一起' });
    expect([north.status, north.body.centre]).toEqual([201, 'north']);
    const south = await post<Handover>(`/reports/monthly/${month}/handover`, southSupervisor, {});
    expect([south.status, south.body.centre]).toEqual([201, 'south']);
    const foreign = await post<ErrorReply>(`/reports/monthly/${month}/handover`, southSupervisor, { centre: 'north' });
    expect([foreign.status, foreign.body.issues?.[0]?.path]).toEqual([400, ['centre']]);
    const acknowledged = await post<Handover>(`/reports/monthly/${month}/acknowledge`, northManager, {});
    expect([acknowledged.status, acknowledged.body.centre, acknowledged.body.acknowledgedBy]).toEqual([200, 'north', northManager.id]);
    // South's report went to its manager and waits for them: north's manager signed for north only.
    const southReport = await get<{ handover: Handover | null }>(`/reports/monthly?month=${month}`, southSupervisor);
    expect(southReport.body.handover).toMatchObject({ centre: 'south', handedBy: southSupervisor.id, acknowledgedBy: null });
    const northReport = await get<{ handover: Handover | null }>(`/reports/monthly?month=${month}`, northSupervisor);
    expect(northReport.body.handover).toMatchObject({ centre: 'north', handedBy: northSupervisor.id, acknowledgedBy: northManager.id });
  });

  it('a csr of two centres names the centre; without it, or with one not theirs, nothing is opened', async () => {
    const unit = `9-9-${randomUUID().slice(0, 6)}`;
    const unnamed = await post<ErrorReply>('/repairs', bothCsr, registration({ unit }));
    expect([unnamed.status, unnamed.body.issues?.[0]?.path]).toEqual([400, ['centre']]);
    const foreign = await post<ErrorReply>('/repairs', northCsr, registration({ unit, centre: 'south' }));
    expect([foreign.status, foreign.body.issues?.[0]?.path]).toEqual([400, ['centre']]);
    const malformed = await post<ErrorReply>('/repairs', bothCsr, registration({ unit, centre: 'North Centre!' }));
    expect(malformed.status).toBe(400);
    expect(await ctx.sys.db.case.count({ where: { unit } })).toBe(0);
    const opened = await openRepair(bothCsr, { unit, centre: 'south' });
    expect((await get<ErrorReply>(`/repairs/${opened}`, northCsr)).status).toBe(404);
    expect((await get(`/repairs/${opened}`, southSupervisor)).status).toBe(200);
  });
});

describe('the same unit number in two centres is two households, for repeats too', () => {
  it("a complaint is a repeat only of the same centre's household, and the report's repeated repairs count each centre's household apart", async () => {
    const unit = `7-7-${randomUUID().slice(0, 4)}`;
    const complaint = { unit, customerName: '王女士', customerPhone: '13912345678', channel: 'phone', matter: '电梯噪音', content: '夜间电梯运行噪音大' };
    const first = await post<{ caseId: string; repeatOf: string | null }>('/complaints', northCsr, complaint);
    const elsewhere = await post<{ caseId: string; repeatOf: string | null }>('/complaints', southCsr, complaint);
    const again = await post<{ caseId: string; repeatOf: string | null }>('/complaints', northCsr, complaint);
    expect([first.status, elsewhere.status, again.status]).toEqual([201, 201, 201]);
    expect([elsewhere.body.repeatOf, again.body.repeatOf]).toEqual([null, first.body.caseId]);

    const fault = { fault: '阳台地漏反水' };
    for (const actor of [northCsr, northCsr, southCsr]) await openRepair(actor, { unit, ...fault });
    const month = new Date((await ctx.sys.env.currentTimeMs()) + 8 * 3_600_000).toISOString().slice(0, 7);
    type Repeated = { repeatedRepairs: { centre: string; unit: string; count: number }[] };
    const company = await get<Repeated>(`/reports/monthly?month=${month}`, executive);
    expect(company.body.repeatedRepairs.filter((r) => r.unit === unit)).toEqual([]);
    await openRepair(northCsr, { unit, ...fault });
    const again3 = await get<Repeated>(`/reports/monthly?month=${month}`, executive);
    expect(again3.body.repeatedRepairs.filter((r) => r.unit === unit).map((r) => [r.centre, r.count])).toEqual([['north', 3]]);
  });
});

describe("a centre's units", () => {
  it('a centre with its units on record opens cases, registers keys and files papers for those units only; a centre without takes any', async () => {
    const db = ctx.sys.db;
    await db.centre.create({ data: { id: 'west', name: '西区服务中心' } });
    await db.unit.createMany({ data: [{ centre: 'west', unit: '5-1-101', label: '5栋1单元101' }, { centre: 'west', unit: '5-1-102' }] });
    const westCsr: Actor = { id: 'csr-west', role: 'csr' };
    const westSupervisor: Actor = { id: 'sup-west', role: 'supervisor' };
    for (const actor of [westCsr, westSupervisor]) await addStaffMember(db, { id: actor.id, name: actor.id, role: actor.role }, '', ['west']);
    expect((await post<Opened>('/repairs', westCsr, registration({ unit: '5-1-101' }))).status).toBe(201);
    const stranger = await post<ErrorReply>('/repairs', westCsr, registration({ unit: '5-1-999' }));
    expect([stranger.status, stranger.body.issues?.[0]?.path]).toEqual([400, ['unit']]);
    expect(await db.case.count({ where: { unit: '5-1-999' } })).toBe(0);
    expect((await post<ErrorReply>('/keys', westSupervisor, { unit: '5-1-999', part: 'unitDoor' })).status).toBe(400);
    expect((await post('/keys', westSupervisor, { unit: '5-1-102', part: 'unitDoor' })).status).toBe(201);
    expect((await post<ErrorReply>('/archives/5-1-999/entries', westCsr, { kind: 'moveInNotice', ref: 'W-1', summary: '入住通知书' })).status).toBe(400);
    expect(await db.key.count({ where: { unit: '5-1-999' } }) + (await db.ownerFileEntry.count({ where: { unit: '5-1-999' } }))).toBe(0);
    // North has no units on record: any unit number opens there, as before.
    expect((await post('/repairs', northCsr, registration({ unit: '5-1-999' }))).status).toBe(201);
  });
});

describe("a centre's own price list", () => {
  it("a listed-price repair in a centre with its own price list is quoted at that centre's fee; elsewhere at the company's", async () => {
    await ctx.sys.db.centre.update({ where: { id: 'south' }, data: { priceList: JSON.stringify({ name: '南区有偿维修收费标准', items: [{ item: '更换水龙头', feeFen: 9500 }] }) } });
    const listed = { kind: 'listed', item: '更换水龙头' };
    const quoted = async (actor: Actor) => {
      const reply = await post<Opened>('/repairs', actor, registration({ paid: listed }));
      expect(reply.status).toBe(201);
      return (await get<RepairView>(`/repairs/${reply.body.caseId}`, actor)).body.quote?.feeFen;
    };
    expect(await quoted(southCsr)).toBe(9500);
    expect(await quoted(northCsr)).toBe(8000);
    // An item the centre's list does not have is refused there, with the list's name.
    const refused = await post<ErrorReply>('/repairs', southCsr, registration({ paid: { kind: 'listed', item: '更换灯管' } }));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.issues)).toContain('南区有偿维修收费标准');
  });
});

describe("a case counts its deadlines on its centre's calendar", () => {
  it('a job taken in a centre that closes at 18:00 is due to be finished at 18:00, not at the company’s 17:30', async () => {
    const caseId = await openRepair(northCsr);
    expect((await post(`/repairs/${caseId}/actions/fillServiceRecord`, northCsr, {})).status).toBe(200);
    const taken = await post<RepairView>(`/repairs/${caseId}/actions/takeJob`, northTech, {});
    expect(taken.status).toBe(200);
    const now = new Date(await ctx.sys.env.currentTimeMs());
    const completion = taken.body.clocks.find((c) => c.name === 'completion');
    expect(completion?.dueAt).toBe(local(`${localDate(now)}T18:00`).toISOString());
  });
});

describe("keys and owner files belong to a centre: the same unit number in two centres is two households", () => {
  const unit = `1-1-${randomUUID().slice(0, 4)}`;

  it("each centre's cabinet keeps its own key for the unit; another centre's csr cannot lend it, and nothing is written", async () => {
    const added = [];
    for (const actor of [northSupervisor, southSupervisor]) {
      const reply = await post<KeyRecord>('/keys', actor, { unit, part: 'unitDoor' });
      expect(reply.status).toBe(201);
      added.push(reply.body);
    }
    const [north, south] = added as [KeyRecord, KeyRecord];
    expect([north.id, north.centre, south.id, south.centre]).toEqual([`north/${unit}/unitDoor`, 'north', `south/${unit}/unitDoor`, 'south']);
    // The same key again in the same centre is refused; a csr of two centres says which cabinet.
    expect((await post<ErrorReply>('/keys', northSupervisor, { unit, part: 'unitDoor' })).body.code).toBe('DuplicateKey');
    expect((await get<KeyRecord[]>(`/keys?unit=${unit}`, northCsr)).body.map((k) => k.id)).toEqual([north.id]);
    expect((await get<ErrorReply>(`/keys?unit=${unit}`, bothCsr)).status).toBe(400);
    expect((await get<KeyRecord[]>(`/keys?unit=${unit}&centre=south`, bothCsr)).body.map((k) => k.id)).toEqual([south.id]);

    const loan = { borrower: '业主 张先生', purpose: '取回钥匙', signatureRef: 'scan-001' };
    for (const keyId of [north.id, `${unit}/unitDoor`]) {
      const refused = await post<ErrorReply>('/keys/loans', southCsr, { ...loan, keyId });
      expect([keyId, refused.status, refused.body.code]).toEqual([keyId, 404, 'KeyNotFound']);
    }
    expect(await ctx.sys.db.keyLoan.count({ where: { keyId: north.id } })).toBe(0);
    // Lent by its own centre, the loan is a case of that centre, and only that cabinet's key is out.
    const lent = await post<Opened>('/keys/loans', northCsr, { ...loan, keyId: north.id });
    expect(lent.status).toBe(201);
    expect((await ctx.sys.db.case.findUniqueOrThrow({ where: { id: lent.body.caseId } })).centre).toBe('north');
    expect((await get<ErrorReply>(`/keys/loans/${lent.body.caseId}`, southCsr)).status).toBe(404);
    const statuses = await ctx.sys.db.key.findMany({ where: { unit }, orderBy: { id: 'asc' }, select: { id: true, status: true } });
    expect(statuses).toEqual([{ id: north.id, status: 'onLoan' }, { id: south.id, status: 'inCabinet' }]);
  });

  it("each centre's owner file of the unit holds its own papers; its reads are logged under its centre", async () => {
    const paper = (ref: string) => ({ kind: 'moveInNotice', ref, summary: `入住通知书 ${ref}` });
    expect((await post(`/archives/${unit}/entries`, northCsr, paper('N-1'))).status).toBe(201);
    expect((await post(`/archives/${unit}/entries`, bothCsr, { ...paper('S-1'), centre: 'south' })).status).toBe(201);
    expect((await post<ErrorReply>(`/archives/${unit}/entries`, bothCsr, paper('X-1'))).status).toBe(400);
    const refs = (reply: { body: { entries?: { ref: string }[] } }) => (reply.body.entries ?? []).map((e) => e.ref);
    expect(refs(await get(`/archives/${unit}`, northCsr))).toEqual(['N-1']);
    expect(refs(await get(`/archives/${unit}?centre=south`, bothCsr))).toEqual(['S-1']);
    expect((await get<ErrorReply>(`/archives/${unit}?centre=north`, southCsr)).status).toBe(400);
    const logged = await ctx.sys.db.archiveReadLog.findMany({ where: { unit }, orderBy: { id: 'asc' }, select: { actorId: true, centre: true } });
    expect(logged).toEqual([{ actorId: northCsr.id, centre: 'north' }, { actorId: bothCsr.id, centre: 'south' }]);
  });

  it("a centre's weekly key audit checks its own cabinet and opens its own key check", async () => {
    const calendar = centreCalendarOf(testCalendar(), await ctx.sys.db.centre.findUniqueOrThrow({ where: { id: 'north' } }));
    const run = await ctx.sys.env.client.workflow.start('weeklyKeyAudit', { taskQueue, workflowId: `weekly-key-audit-north-test-${randomUUID()}`, args: [{ calendar }] });
    const report = (await run.result()) as KeyAuditReport;
    const keyIds = (report.register ?? []).map((k) => k.keyId);
    expect(keyIds).toContain(`north/${unit}/unitDoor`);
    expect(keyIds.every((id) => id.startsWith('north/'))).toBe(true);
    expect(report.openLoans.map((l) => l.keyId)).toEqual([`north/${unit}/unitDoor`]);
    const checkId = weeklyKeyCheckCaseId(localDate(new Date(await ctx.sys.env.currentTimeMs())), 'north');
    expect(checkId).toMatch(/-WEEKLY-north$/);
    await ctx.sys.env.client.workflow.getHandle(keyCheckContract.workflowId(checkId)).describe();
    const row = await eventually(() => ctx.sys.db.case.findUnique({ where: { id: checkId } }));
    expect(row.centre).toBe('north');
  });

  it('every centre has its own schedules on its own calendar; the default centre keeps the ids it had', async () => {
    const schedules = await allCentreSchedules(ctx.sys.db, testCalendar(), 'q');
    const ids = schedules.map((s) => s.scheduleId);
    expect(ids).toEqual(expect.arrayContaining(['weekly-key-audit', 'monthly-filing', 'weekly-key-audit-north', 'monthly-filing-north', 'weekly-key-audit-south', 'calendar-coverage-south']));
    const northAudit = schedules.find((s) => s.scheduleId === 'weekly-key-audit-north');
    const args = northAudit?.action as { args: { calendar: { centre?: string; close: string } }[]; workflowId: string };
    expect([args.workflowId, args.args[0]?.calendar.centre, args.args[0]?.calendar.close]).toEqual(['weekly-key-audit-north', 'north', '18:00']);
    const defaultAudit = schedules.find((s) => s.scheduleId === 'weekly-key-audit');
    expect((defaultAudit?.action as { args: { calendar: { centre?: string } }[] }).args[0]?.calendar.centre).toBeUndefined();
  });
});
