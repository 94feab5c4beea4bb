/**
 * The inbox follows a case step by step: after each step of a repair and of a
 * complaint, it is in the inbox of exactly the people who must act next, with
 * the actions they may take and the due time; and the case list finds cases
 * by procedure, unit, assignee and overdue.
 */
import { randomUUID } from 'node:crypto';
import type { InboxItem } from '../api/cases';
import type { Actor } from '../workflows/lib/roles';
import { rebuildInbox } from '../worker/inboxRebuild';
import { manager } from './support/complaintScenario';
import { useStaffHttp } from './support/http';
import { csr, eventually, HOUR, supervisor, technician, technician2 } from './support/scenario';

const ctx = useStaffHttp(csr);
const otherCsr: Actor = { id: 'csr-zhou', role: 'csr' };
const department: Actor = { id: 'dept-huanjing', role: 'department' };
const unit = () => `8-1-${randomUUID().slice(0, 6)}`;
/** Every case this file opened through the API (the lines the workflows wrote for them are checked at the end). */
const openedHere: string[] = [];

async function inbox(actor: Actor): Promise<InboxItem[]> {
  const reply = await ctx.http.get<{ staff: Actor; items: InboxItem[] }>('/inbox', actor);
  expect(reply.status).toBe(200);
  expect(reply.body.staff).toEqual(actor);
  return reply.body.items;
}

/** The actions `actor` finds for this case in their inbox, or null when it is not there. */
async function waitingFor(actor: Actor, caseId: string): Promise<string[] | null> {
  const item = (await inbox(actor)).find((i) => i.caseId === caseId);
  return item ? item.actions.map((a) => a.action).sort() : null;
}

const act = async (path: string, caseId: string, action: string, actor: Actor, input: unknown = {}) => {
  const reply = await ctx.http.post<{ stage: string }>(`${path}/${caseId}/actions/${action}`, actor, input);
  expect([action, reply.status]).toEqual([action, 200]);
  return reply.body;
};

const onRecord = (path: string, caseId: string, action: string) =>
  eventually(async () => {
    const h = await ctx.http.get<{ steps: { action: string }[] }>(`${path}/${caseId}/history`);
    return h.status === 200 && h.body.steps.some((s) => s.action === action);
  });

/** A repair registered by `by` (on record), its service record not filled yet. */
async function registerRepair(fault: string, by: Actor = csr, at = unit()): Promise<{ caseId: string; dueAt: Record<string, string> }> {
  const opened = await ctx.http.post<{ caseId: string; dueAt: Record<string, string> }>('/repairs', by, { unit: at, ownerName: '张先生', ownerPhone: '13800000000', channel: 'phone', fault });
  expect(opened.status).toBe(201);
  openedHere.push(opened.body.caseId);
  await onRecord('/repairs', opened.body.caseId, 'register');
  return opened.body;
}

/** A repair registered by `by` whose service record she filled: engineering notified; `dispatch` is when it must be taken. */
async function dispatchRepair(fault: string, by: Actor = csr, at = unit()): Promise<{ caseId: string; dispatch: string }> {
  const { caseId } = await registerRepair(fault, by, at);
  const filled = (await act('/repairs', caseId, 'fillServiceRecord', by)) as unknown as { clocks: { name: string; dueAt?: string }[] };
  return { caseId, dispatch: filled.clocks.find((c) => c.name === 'dispatch')?.dueAt as string };
}

/** A complaint logged by the csr, its intake on record. */
async function logComplaint(matter: string, content: string): Promise<string> {
  const logged = await ctx.http.post<{ caseId: string }>('/complaints', csr, { unit: unit(), customerName: '王女士', customerPhone: '13700000000', channel: 'phone', matter, content });
  expect(logged.status).toBe(201);
  openedHere.push(logged.body.caseId);
  await onRecord('/complaints', logged.body.caseId, 'receive');
  return logged.body.caseId;
}

describe('the inbox through a repair', () => {
  it('after each step, the case waits in the inbox of whoever acts next, and nobody else', async () => {
    const registered = await registerRepair('卫生间地漏堵塞');
    const { caseId } = registered;

    // Registered: the receiving csr fills the service record and notifies engineering; no technician has it yet.
    expect(await waitingFor(csr, caseId)).toEqual(['fillServiceRecord', 'respondToOwner']);
    expect(await waitingFor(technician, caseId)).toBeNull();
    const first = (await inbox(csr)).find((i) => i.caseId === caseId);
    expect(first).toMatchObject({ stage: 'recording', step: '填写服务记录并通知工程部' });
    expect(Math.abs(Date.parse(first?.dueAt ?? '') - Date.parse(registered.dueAt.serviceRecord ?? ''))).toBeLessThan(5_000);
    const filled = (await act('/repairs', caseId, 'fillServiceRecord', csr)) as unknown as { clocks: { name: string; dueAt?: string }[] };
    const opened = { dueAt: { dispatch: filled.clocks.find((c) => c.name === 'dispatch')?.dueAt as string } };

    // Dispatching: any technician may take it; the receiving csr keeps it (首问责任人); the supervisor may assign it.
    expect(await waitingFor(technician, caseId)).toEqual(['declineJob', 'takeJob']);
    expect(await waitingFor(technician2, caseId)).toEqual(['declineJob', 'takeJob']);
    expect(await waitingFor(csr, caseId)).toEqual(['bookAppointment', 'respondToOwner']);
    expect(await waitingFor(otherCsr, caseId)).toBeNull();
    expect(await waitingFor(supervisor, caseId)).toEqual(expect.arrayContaining(['reassign']));
    const mine = (await inbox(technician)).find((i) => i.caseId === caseId);
    expect(mine).toMatchObject({ procedure: 'repair', procedureName: '报修', stage: 'dispatching', step: '派工接单', href: `/repairs/${caseId}` });
    // The due time read to the owner at registration, give or take the moment the workflow started its clock.
    expect(Math.abs(Date.parse(mine?.dueAt ?? '') - Date.parse(opened.dueAt.dispatch))).toBeLessThan(5_000);

    // Taken: only the technician holding it.
    await act('/repairs', caseId, 'takeJob', technician);
    expect(await waitingFor(technician, caseId)).toEqual(expect.arrayContaining(['reportCompletion', 'reportUnfinished']));
    expect(await waitingFor(technician2, caseId)).toBeNull();

    // Done: back to the receiving csr for the return visit; engineering is finished with it.
    await act('/repairs', caseId, 'reportCompletion', technician, { workDone: '疏通地漏', charges: [] });
    expect(await waitingFor(csr, caseId)).toEqual(['recordReturnVisit', 'respondToOwner']);
    expect(await waitingFor(technician, caseId)).toBeNull();
    expect(await waitingFor(otherCsr, caseId)).toBeNull();
    expect(await waitingFor(supervisor, caseId)).toBeNull();

    // Closed: in nobody's inbox.
    await act('/repairs', caseId, 'recordReturnVisit', csr, { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false });
    for (const who of [csr, technician, supervisor]) expect(await waitingFor(who, caseId)).toBeNull();
  });

  it('lists the soonest due first', async () => {
    const first = await dispatchRepair('门锁损坏');
    await ctx.sys.env.sleep(2 * 60_000);
    const second = await dispatchRepair('灯不亮');
    const items = await inbox(technician2);
    const order = items.map((i) => i.caseId).filter((id) => id === first.caseId || id === second.caseId);
    expect(order).toEqual([first.caseId, second.caseId]);
    const dues = items.map((i) => i.dueAt).filter((d): d is string => d !== null);
    expect(dues).toEqual([...dues].sort());
  });
});

describe('each person sees their own step', () => {
  it("a fresh repair: the receiving csr's line is 填写服务记录并通知工程部 due in 5 minutes; once filled, the technician's is 派工接单 due in 30 minutes and hers 回复业主 due in 1 hour", async () => {
    const { caseId } = await registerRepair('水管漏水');
    const now = await ctx.sys.env.currentTimeMs();
    const line = async (who: Actor) => (await inbox(who)).find((i) => i.caseId === caseId);
    const minutesAhead = (iso: string | null | undefined) => Math.round((Date.parse(iso ?? '') - now) / 60_000);
    const fresh = await line(csr);
    expect([fresh?.step, minutesAhead(fresh?.dueAt)]).toEqual(['填写服务记录并通知工程部', 5]);
    expect(await line(technician)).toBeUndefined();
    await act('/repairs', caseId, 'fillServiceRecord', csr);
    const forTechnician = await line(technician);
    const forCsr = await line(csr);
    expect([forTechnician?.step, forCsr?.step]).toEqual(['派工接单', '回复业主']);
    expect([minutesAhead(forTechnician?.dueAt), minutesAhead(forCsr?.dueAt)]).toEqual([30, 60]);
  });
});

describe('an inbox of more than a thousand open cases', () => {
  const bulkCsr: Actor = { id: `csr-bulk-${randomUUID().slice(0, 6)}`, role: 'csr' };
  const removeBulk = async () => {
    await ctx.sys.db.inboxEntry.deleteMany({ where: { case: { firstReceiver: bulkCsr.id } } });
    await ctx.sys.db.caseDuty.deleteMany({ where: { case: { firstReceiver: bulkCsr.id } } });
    await ctx.sys.db.case.deleteMany({ where: { firstReceiver: bulkCsr.id } });
  };
  afterAll(removeBulk);

  const bulkRow = (i: number, over: { stage: string; nextDueAt: Date; waitingStep: string; waitingDueAt: Date }) => {
    const id = `BX20261210-${String(i).padStart(6, '0')}${randomUUID().slice(0, 4)}`.slice(0, 22);
    return { id, procedure: 'repair', workflowId: `bulk-${id}`, unit: '9-9-999', ownerName: '业主', ownerPhone: '13800000000', summary: '批量', firstReceiver: bulkCsr.id, openedAt: new Date(Date.parse('2026-12-09T02:00:00Z')), ...over };
  };

  /** Every page of the csr's inbox, in order: each line's step and due time. */
  async function allPages(pageSize: number): Promise<{ total: number; lines: { caseId: string; step: string; dueAt: string }[] }> {
    const lines: { caseId: string; step: string; dueAt: string }[] = [];
    let total = 0;
    for (let offset = 0; offset === 0 || offset < total; offset += pageSize) {
      const reply = await ctx.http.get<{ total: number; items: InboxItem[] }>(`/inbox?limit=${pageSize}&offset=${offset}`, bulkCsr);
      expect(reply.status).toBe(200);
      total = reply.body.total;
      lines.push(...reply.body.items.map((i) => ({ caseId: i.caseId, step: i.step, dueAt: i.dueAt ?? '' })));
    }
    return { total, lines };
  }

  it('answers every page, soonest due first across pages, with the right total', async () => {
    // 1,200 repairs waiting on this csr's return visit, due in a shuffled order.
    const base = Date.parse('2026-12-10T02:00:00Z');
    const n = 1_200;
    const rows = Array.from({ length: n }, (_, i) => {
      const due = new Date(base + ((i * 7919) % n) * 60_000);
      return bulkRow(i, { stage: 'awaitingReturnVisit', nextDueAt: due, waitingStep: '回访业主', waitingDueAt: due });
    });
    await ctx.sys.db.case.createMany({ data: rows });
    // Rows written behind the workflows' back: their inbox lines come from the worker's rebuild.
    await rebuildInbox(ctx.sys.db, { force: true });
    const { total, lines } = await allPages(200);
    expect(total).toBe(n);
    expect(lines).toHaveLength(n);
    const seen = lines.map((l) => l.dueAt);
    expect(seen).toEqual([...seen].sort());
    expect(seen[0]).toBe(new Date(base).toISOString());
    // A page past the end is empty and still says how many there are.
    const past = await ctx.http.get<{ total: number; items: InboxItem[] }>(`/inbox?limit=50&offset=${n + 100}`, bulkCsr);
    expect(past.body).toMatchObject({ total: n, items: [] });
    await removeBulk();
  });

  it("orders each page by the reader's own step, not the case's soonest clock: the csr's replies come by their due time across pages", async () => {
    // 300 fresh repairs: engineering's 5-minute clock is each case's soonest (in one order),
    // the csr's own reply to the owner falls due in the opposite order, hours later.
    const base = Date.parse('2026-12-10T02:00:00Z');
    const n = 300;
    const rows = Array.from({ length: n }, (_, i) => bulkRow(i, { stage: 'dispatching', nextDueAt: new Date(base + i * 60_000), waitingStep: '接单', waitingDueAt: new Date(base + i * 60_000) }));
    await ctx.sys.db.case.createMany({ data: rows.map((r) => ({ ...r, version: 1 })) });
    const replyDue = (i: number) => new Date(base + 3_600_000 + (n - i) * 60_000);
    await ctx.sys.db.caseDuty.createMany({
      data: rows.flatMap((r, i) => [
        { caseId: r.id, version: 1, seq: 0, owner: 'role:technician', step: '派工接单', dueAt: new Date(base + i * 60_000) },
        { caseId: r.id, version: 1, seq: 1, owner: `staff:${bulkCsr.id}`, step: '回复业主', dueAt: replyDue(i) },
      ]),
    });
    await rebuildInbox(ctx.sys.db, { force: true });
    const { total, lines } = await allPages(70);
    expect(total).toBe(n);
    expect(new Set(lines.map((l) => l.step))).toEqual(new Set(['回复业主']));
    expect(lines.map((l) => l.caseId)).toEqual([...rows].reverse().map((r) => r.id));
    expect(lines[0]?.dueAt).toBe(replyDue(n - 1).toISOString());
  });
});

describe('the inbox through a complaint', () => {
  it('verification with the receiver, grading with the supervisor only, sign-off with the manager, the reply and visit back with the receiver', async () => {
    const caseId = await logComplaint('噪音扰民', '楼上装修晚上十点后仍在施工');
    expect(await waitingFor(csr, caseId)).toEqual(['promiseReply', 'respond', 'verify']);
    expect(await waitingFor(otherCsr, caseId)).toBeNull();
    expect(await waitingFor(supervisor, caseId)).toBeNull();

    await act('/complaints', caseId, 'verify', csr, { valid: true });
    expect(await waitingFor(supervisor, caseId)).toEqual(['grade', 'promiseReply', 'respond']);
    expect(await waitingFor(manager, caseId)).toBeNull();

    await act('/complaints', caseId, 'grade', supervisor, { grade: 'complex', route: 'inScope', method: '协调施工时间' });
    expect(await waitingFor(csr, caseId)).toEqual(['promiseReply', 'recordHandling', 'respond']);
    expect(await waitingFor(supervisor, caseId)).toBeNull();

    await act('/complaints', caseId, 'recordHandling', csr, { resolution: '已约谈装修户，限定施工时间' });
    expect(await waitingFor(manager, caseId)).toEqual(['respond', 'signOff']);
    expect(await waitingFor(csr, caseId)).toEqual(['promiseReply', 'respond']);

    await act('/complaints', caseId, 'signOff', manager, { approved: true });
    expect(await waitingFor(csr, caseId)).toEqual(['promiseReply', 'replyToCustomer', 'respond']);
    expect(await waitingFor(manager, caseId)).toBeNull();

    await act('/complaints', caseId, 'replyToCustomer', csr, { channel: 'phone', satisfied: true });
    expect(await waitingFor(csr, caseId)).toEqual(['recordReturnVisit', 'respond']);

    await act('/complaints', caseId, 'recordReturnVisit', csr, { satisfied: true });
    expect(await waitingFor(csr, caseId)).toBeNull();
    expect(await waitingFor(supervisor, caseId)).toEqual(['recordAnalysis']);
    await act('/complaints', caseId, 'recordAnalysis', supervisor, { cause: '装修管理不到位', prevention: '装修前书面告知施工时间' });
    expect(await waitingFor(supervisor, caseId)).toBeNull();
  });

  it('a complaint transferred to another department waits in that department, not with engineering', async () => {
    const caseId = await logComplaint('楼道卫生', '楼道垃圾无人清理');
    await act('/complaints', caseId, 'verify', csr, { valid: true });
    await act('/complaints', caseId, 'grade', supervisor, { grade: 'general', route: 'transferred', department: '环境部', method: '转环境部' });
    expect(await waitingFor(department, caseId)).toEqual(['recordHandling']);
    expect(await waitingFor(technician, caseId)).toBeNull();
  });
});

describe('the case list', () => {
  it('finds cases by procedure, unit, assignee and overdue', async () => {
    const u = unit();
    const { caseId } = await dispatchRepair('窗户漏风', csr, u);
    const find = async (query: string) => {
      const reply = await ctx.http.get<{ total: number; items: { caseId: string; stage: string }[] }>(`/cases?${query}`, supervisor);
      expect(reply.status).toBe(200);
      return reply.body.items.map((i) => i.caseId);
    };
    expect(await find(`procedure=repair&unit=${u}`)).toEqual([caseId]);
    expect(await find(`procedure=complaint&unit=${u}`)).toEqual([]);
    expect(await find(`unit=${u}&overdue=true`)).toEqual([]);

    await ctx.sys.env.sleep(2 * HOUR); // nobody took it: the 30-minute take-up and the 1-hour response are missed
    await eventually(async () => (await find(`unit=${u}&overdue=true`)).includes(caseId));

    await act('/repairs', caseId, 'takeJob', technician2);
    expect(await find(`assignee=${technician2.id}&unit=${u}`)).toEqual([caseId]);
    expect(await find(`assignee=${technician.id}&unit=${u}`)).toEqual([]);

    const one = await ctx.http.get<{ case: { caseId: string; procedure: string; assignee: string }; state: { stage: string } }>(`/cases/${caseId}`, csr);
    expect(one.body).toMatchObject({ case: { caseId, procedure: 'repair', assignee: technician2.id }, state: { stage: 'inProgress' } });
    const history = await ctx.http.get<{ steps: { action: string; actor: Actor }[] }>(`/cases/${caseId}/history`, csr);
    expect(history.body.steps.map((s) => s.action)).toEqual(expect.arrayContaining(['register', 'takeJob']));

    const bad = await ctx.http.get<{ code: string; issues: unknown[] }>('/cases?overdue=maybe&colour=red', csr);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('InvalidInput');
    expect(bad.body.issues.length).toBeGreaterThanOrEqual(2);
  });
});

describe('batch reassignment', () => {
  it("a csr off sick: the supervisor hands all her open cases to a colleague; they move to the colleague's inbox, and each case records it", async () => {
    // Fresh staff ids: on a shared database (PostgreSQL in CI) other files' cases must not count as theirs.
    const shift = randomUUID().slice(0, 6);
    const away: Actor = { id: `csr-sun-${shift}`, role: 'csr' };
    const cover: Actor = { id: `csr-qin-${shift}`, role: 'csr' };
    const opened: string[] = [];
    for (const fault of ['门铃不响', '信箱锁坏']) opened.push((await registerRepair(fault, away)).caseId);
    expect((await inbox(away)).map((i) => i.caseId).sort()).toEqual([...opened].sort());

    const byCsr = await ctx.http.post<{ code: string }>('/cases/reassign', csr, { from: away.id, to: cover.id, reason: '病假' });
    expect(byCsr.status).toBe(403);

    const done = await ctx.http.post<{ reassigned: { caseId: string }[]; skipped: unknown[] }>('/cases/reassign', supervisor, { from: away.id, to: cover.id, reason: '病假' });
    expect(done.status).toBe(200);
    expect(done.body.reassigned.map((r) => r.caseId).sort()).toEqual([...opened].sort());
    expect(await inbox(away)).toEqual([]);
    expect((await inbox(cover)).map((i) => i.caseId).sort()).toEqual([...opened].sort());
    for (const id of opened) {
      const h = await ctx.http.get<{ steps: { action: string; label: string; actor: Actor; detail: unknown }[] }>(`/cases/${id}/history`, supervisor);
      expect(h.body.steps.at(-1)).toMatchObject({ action: 'handOver', label: '转交', actor: supervisor, detail: { from: away.id, to: cover.id, reason: '病假' } });
    }
    const again = await ctx.http.post<{ reassigned: unknown[] }>('/cases/reassign', supervisor, { from: away.id, to: cover.id, reason: '病假' });
    expect(again.body.reassigned).toEqual([]);
  });
});

describe("the inbox lines the workflows write", () => {
  const linesOf = async (caseIds: string[]) =>
    (await ctx.sys.db.inboxEntry.findMany({ where: { caseId: { in: caseIds } }, orderBy: [{ caseId: 'asc' }, { role: 'asc' }, { staffId: 'asc' }] })).map((l) => ({ ...l, dueAt: l.dueAt?.toISOString() ?? null }));

  it('are the lines the rules build again from the case rows and their duties', async () => {
    const open = (await ctx.sys.db.case.findMany({ where: { id: { in: openedHere }, closedAt: null }, select: { id: true } })).map((c) => c.id);
    expect(open.length).toBeGreaterThan(3);
    const written = await linesOf(open);
    expect([...new Set(written.map((l) => l.role))]).toEqual(expect.arrayContaining(['csr', 'technician', 'supervisor']));
    await rebuildInbox(ctx.sys.db, { force: true });
    expect(await linesOf(open)).toEqual(written);
  });

  it('a database whose lines were built under other rules (or none, before 0.4.2) gets them again at the worker start, and only then', async () => {
    const { caseId } = await registerRepair('阳台地漏反水');
    await rebuildInbox(ctx.sys.db); // whatever was on record, the rules are this code's now
    await ctx.sys.db.inboxEntry.deleteMany({ where: { caseId } });
    expect(await waitingFor(csr, caseId)).toBeNull();
    expect(await rebuildInbox(ctx.sys.db)).toEqual({ rebuilt: false, cases: 0 });
    await ctx.sys.db.inboxRules.deleteMany();
    const rebuilt = await rebuildInbox(ctx.sys.db);
    expect(rebuilt.rebuilt).toBe(true);
    expect(rebuilt.cases).toBeGreaterThan(0);
    expect(await waitingFor(csr, caseId)).toEqual(['fillServiceRecord', 'respondToOwner']);
  });
});
