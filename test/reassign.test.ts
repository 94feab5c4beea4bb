/**
 * 转交: a supervisor hands one person's open steps to another (sick leave, shift
 * change), case by case through the shared `case.reassign` update, or for every
 * open case at once through `reassignOpenCases`. Checked as staff notice it: who
 * may act on the case, who hears of its deadlines, the audit trail, the case row
 * and the outbox.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../workflows/lib/roles';
import { type ReassignInput, reassignStep, reassignUpdate } from '../workflows/lib/reassign';
import { reassignOpenCases } from '../api/reassign';
import type { CentreScope } from '../api/centres';

/** The centre every staff member of these scenarios works for. */
const ownCentre: CentreScope = { all: false, centres: ['default'] };
import { actOn, complaintIdOf, complaintOf, openComplaint } from './support/complaintScenario';
import {
  act,
  caseIdOf,
  clockTo,
  csr,
  eventsUntil,
  eventually,
  mondayLocal,
  nextLocal,
  openDispatchedRepair, openRepair,
  rejectionOf,
  stateOf,
  supervisor,
  technician,
  technician2,
} from './support/scenario';
import { useTimeSkippingSystem } from './support/temporal';

const system = useTimeSkippingSystem();

type Reassignable = { workflowId: string; executeUpdate: (def: typeof reassignUpdate, opts: { args: [{ actor: Actor; input: unknown }] }) => Promise<unknown> };

const reassign = (h: Reassignable, actor: Actor, input: Partial<ReassignInput> & Record<string, unknown>) =>
  h.executeUpdate(reassignUpdate, { args: [{ actor, input }] });

/** The case's audit entries of one action, once `count` are persisted. */
const auditOf = (caseId: string, action: string, count = 1) =>
  eventually(async () => {
    const rows = await system().db.auditEntry.findMany({ where: { caseId, action }, orderBy: { seq: 'asc' } });
    return rows.length >= count ? rows : undefined;
  });

const outbox = (caseId: string, recipient: string) =>
  system().db.notification.findMany({ where: { caseId, recipient }, orderBy: { id: 'asc' } });

/** Once the case is on record (its row and first step), so a batch finds it. */
const registered = (caseId: string) => auditOf(caseId, 'register');

describe('one case handed over', () => {
  it('a technician on sick leave: his open repair goes to a colleague, who can report it done while he no longer can, and the next deadline warning goes to the colleague', async () => {
    await clockTo(system().env, await nextLocal(system().env, mondayLocal, '09:00'));
    const h = await openDispatchedRepair(system().env);
    const caseId = caseIdOf(h);
    await act(h, 'takeJob', technician, {});

    const result = await reassign(h, supervisor, { from: technician.id, to: technician2.id, reason: '赵师傅病假' });
    expect(result).toEqual({ from: 'tech-zhao', to: 'tech-qian', assignee: true, firstReceiver: false, clocks: ['completion'] });
    const view = await stateOf(h);
    expect(view.assignee).toBe('tech-qian');
    expect(view.firstReceiver).toBe('csr-li');
    expect(view.waitingOn?.who).toBe('tech-qian');
    expect(view.clocks.find((c) => c.name === 'completion')?.owner).toBe('staff:tech-qian');

    // The job's same-day clock (09:00–17:30) warns at half time, 13:15: the colleague hears it.
    await system().env.sleep(4.5 * 3600_000);
    const warnings = (await eventsUntil(system().db, caseId, 'completion', 'warning')).filter((e) => e.kind === 'warning');
    expect(warnings.map((e) => e.recipient)).toEqual(['staff:tech-qian']);

    expect(await rejectionOf(act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] }))).toBe('Forbidden');
    const done = await act(h, 'reportCompletion', technician2, { workDone: '更换阀芯', charges: [] });
    expect(done.stage).toBe('awaitingReturnVisit');

    const [entry] = await auditOf(caseId, reassignStep);
    expect(entry?.actorId).toBe('sup-wang');
    expect(JSON.parse(entry?.detail ?? '{}')).toEqual({ from: 'tech-zhao', to: 'tech-qian', reason: '赵师傅病假' });
    const row = await system().db.case.findUnique({ where: { id: caseId } });
    expect(row?.firstReceiver).toBe('csr-li');
    expect((await outbox(caseId, 'staff:tech-qian')).map((n) => n.text)).toContain(`报修 ${caseId}（3-2-1101）已转交给您负责：赵师傅病假`);
    expect((await outbox(caseId, 'staff:tech-zhao')).some((n) => n.text.includes('已由 sup-wang 转交给 tech-qian'))).toBe(true);
  });

  it("a csr's complaint changes hands: the trail records who reassigned it, from whom, to whom and why; the new csr owns its deadline and hears of later steps", async () => {
    const h = await openComplaint(system().env);
    const caseId = complaintIdOf(h);
    const result = await reassign(h, supervisor, { from: csr.id, to: 'csr-zhou', reason: '李客服调班' });
    expect(result).toMatchObject({ assignee: false, firstReceiver: true, clocks: ['response'] });

    const view = await complaintOf(h);
    expect(view.firstReceiver).toBe('csr-zhou');
    expect(view.waitingOn?.who).toBe('csr-zhou');
    expect(view.clocks.find((c) => c.name === 'response')?.owner).toBe('staff:csr-zhou');

    const [entry] = await auditOf(caseId, reassignStep);
    expect(entry).toMatchObject({ actorId: 'sup-wang', actorRole: 'supervisor', stage: 'verifying' });
    expect(JSON.parse(entry?.detail ?? '{}')).toEqual({ from: 'csr-li', to: 'csr-zhou', reason: '李客服调班' });
    const row = await system().db.case.findUnique({ where: { id: caseId } });
    expect(row?.firstReceiver).toBe('csr-zhou');
    expect((await outbox(caseId, 'staff:csr-zhou')).map((n) => n.text)).toContain(`投诉 ${caseId}（5-1-302）已转交给您负责：李客服调班`);
    expect((await outbox(caseId, 'staff:csr-li')).map((n) => n.text)).toEqual([`投诉 ${caseId}（5-1-302）已由 sup-wang 转交给 csr-zhou 负责：李客服调班`]);

    // The first-responsible person is told of every later step: now the new one.
    await actOn(h, 'verify', { id: 'csr-zhou', role: 'csr' }, { valid: true });
    await actOn(h, 'grade', supervisor, { grade: 'general', route: 'inScope', method: '当日清理' });
    await eventually(async () => (await outbox(caseId, 'staff:csr-zhou')).find((n) => n.text.includes('sup-wang')));
    expect(await outbox(caseId, 'staff:csr-li')).toHaveLength(1);
  });
});

describe('who may reassign, and what', () => {
  it('a csr may not reassign (Forbidden); the same person on both sides or a stray field is invalid input; nothing is recorded', async () => {
    const h = await openComplaint(system().env);
    const caseId = complaintIdOf(h);
    await auditOf(caseId, 'receive');
    expect(await rejectionOf(reassign(h, csr, { from: csr.id, to: 'csr-zhou', reason: '调班' }))).toBe('Forbidden');
    expect(await rejectionOf(reassign(h, supervisor, { from: csr.id, to: csr.id, reason: '调班' }))).toBe('InvalidInput');
    expect(await rejectionOf(reassign(h, supervisor, { from: csr.id, to: 'csr-zhou', reason: '调班', urgent: true }))).toBe('InvalidInput');
    expect(await rejectionOf(reassign(h, supervisor, { from: csr.id, to: 'csr-zhou', reason: '' }))).toBe('InvalidInput');
    expect((await complaintOf(h)).firstReceiver).toBe('csr-li');
    expect(await system().db.auditEntry.count({ where: { caseId, action: reassignStep } })).toBe(0);
  });

  it('reassigning someone who holds nothing in the case is NothingToReassign', async () => {
    const h = await openRepair(system().env);
    const caseId = caseIdOf(h);
    expect(await rejectionOf(reassign(h, supervisor, { from: 'tech-sun', to: technician2.id, reason: '病假' }))).toBe('NothingToReassign');
    // The manager may reassign too.
    expect(await rejectionOf(reassign(h, { id: 'mgr-chen', role: 'manager' }, { from: csr.id, to: 'csr-zhou', reason: '病假' }))).toBeUndefined();
    const after = await system().db.auditEntry.findMany({ where: { caseId, action: reassignStep } });
    expect(after.map((a) => a.actorId)).toEqual(['mgr-chen']);
  });
});

describe('reassignOpenCases: every open case of one person at once', () => {
  it("hands a csr's open repairs and complaint to a colleague, skips a case that ended meanwhile, leaves closed and other people's cases alone, and a retried batch changes nothing", async () => {
    // Fresh ids: on a shared database (PostgreSQL in CI, or a retried file) earlier cases must not count as hers.
    const shift = randomUUID().slice(0, 6);
    const sun: Actor = { id: `csr-sun-${shift}`, role: 'csr' };
    const env = system().env;
    const repairA = await openRepair(env, { receivedBy: sun });
    const repairB = await openRepair(env, { receivedBy: sun });
    const complaint = await openComplaint(env, { receivedBy: sun });
    const closed = await openRepair(env, { receivedBy: sun, paid: { kind: 'listed', item: '更换水龙头', feeFen: 8000 } });
    const ended = await openRepair(env, { receivedBy: sun });
    const others = await openRepair(env);
    await act(repairB, 'fillServiceRecord', sun, {});
    await act(repairB, 'takeJob', technician, {});
    await act(closed, 'confirmFee', sun, { accepted: false, note: '业主不修了' });
    for (const h of [repairA, repairB, closed, ended, others]) await registered(caseIdOf(h));
    await auditOf(complaintIdOf(complaint), 'receive');
    await eventually(async () => (await system().db.case.findUnique({ where: { id: caseIdOf(closed) } }))?.closedAt);
    // An open case row whose workflow has ended (terminated by an administrator).
    await ended.terminate('测试：工单被管理员终止');

    const deps = { client: env.client, db: system().db };
    const body = { from: sun.id, to: `csr-zhou-${shift}`, reason: '孙客服病假' };
    const report = await reassignOpenCases(deps, supervisor, ownCentre, body, `req-1-${shift}`);

    const ids = (xs: { caseId: string }[]) => xs.map((x) => x.caseId).sort();
    expect(ids(report.reassigned)).toEqual([caseIdOf(repairA), caseIdOf(repairB), complaintIdOf(complaint)].sort());
    expect(report.reassigned.find((r) => r.caseId === complaintIdOf(complaint))?.procedure).toBe('complaint');
    expect(report.skipped).toEqual([{ caseId: caseIdOf(ended), reason: 'CaseEnded' }]);

    for (const id of ids(report.reassigned)) {
      expect((await system().db.case.findUnique({ where: { id } }))?.firstReceiver).toBe(body.to);
      expect(await outbox(id, `staff:${body.to}`)).toHaveLength(1);
    }
    expect((await stateOf(repairB)).assignee).toBe('tech-zhao');
    expect((await stateOf(others)).firstReceiver).toBe('csr-li');
    expect(await system().db.auditEntry.count({ where: { caseId: { in: [caseIdOf(closed), caseIdOf(others)] }, action: reassignStep } })).toBe(0);

    const again = await reassignOpenCases(deps, supervisor, ownCentre, body, `req-1-${shift}`);
    expect(again).toEqual({ reassigned: [], skipped: [{ caseId: caseIdOf(ended), reason: 'CaseEnded' }] });
    expect(await system().db.auditEntry.count({ where: { caseId: { in: ids(report.reassigned) }, action: reassignStep } })).toBe(3);

    await expect(reassignOpenCases(deps, csr, ownCentre, body)).rejects.toMatchObject({ status: 403 });
    await expect(reassignOpenCases(deps, supervisor, ownCentre, { ...body, to: sun.id })).rejects.toMatchObject({ status: 400 });
  });

  it('a batch submitted twice at once (same request id) hands each case over once', async () => {
    const shift = randomUUID().slice(0, 6);
    const zhou: Actor = { id: `csr-zhou2-${shift}`, role: 'csr' };
    const env = system().env;
    const cases = [await openRepair(env, { receivedBy: zhou }), await openRepair(env, { receivedBy: zhou })];
    for (const h of cases) await registered(caseIdOf(h));
    const deps = { client: env.client, db: system().db };
    const body = { from: zhou.id, to: `csr-wu-${shift}`, reason: '交接班' };
    const [first, second] = await Promise.all([
      reassignOpenCases(deps, supervisor, ownCentre, body, `req-2-${shift}`),
      reassignOpenCases(deps, supervisor, ownCentre, body, `req-2-${shift}`),
    ]);
    expect(first.reassigned).toHaveLength(2);
    expect(second.reassigned).toHaveLength(2);
    for (const h of cases) {
      expect(await system().db.auditEntry.count({ where: { caseId: caseIdOf(h), action: reassignStep } })).toBe(1);
      expect(await outbox(caseIdOf(h), `staff:${body.to}`)).toHaveLength(1);
    }
  });
});
