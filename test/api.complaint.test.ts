/**
 * The complaint routes over real HTTP against a real worker: intake, the role
 * rules (grading only by a supervisor, sign-off only by the level above), and
 * repeat complaints recognised at intake.
 */
import { randomUUID } from 'node:crypto';
import type { ComplaintView } from '../workflows/complaint/complaint.messages';
import type { Actor } from '../workflows/lib/roles';
import { manager } from './support/complaintScenario';
import { useStaffHttp } from './support/http';
import { csr, eventually, supervisor, technician } from './support/scenario';

const ctx = useStaffHttp(csr);

interface Logged {
  caseId: string;
  stage: string;
  repeatOf: string | null;
  dueAt: { response: string };
}

const complaint = (unit = `5-1-${randomUUID().slice(0, 6)}`, matter = '楼道卫生') => ({
  unit,
  customerName: '王女士',
  customerPhone: '13700000000',
  channel: 'phone',
  matter,
  content: '楼道垃圾两天无人清理',
});

const act = (caseId: string, name: string, actor: Actor, input: unknown = {}) =>
  ctx.http.post<ComplaintView & { code?: string }>(`/complaints/${caseId}/actions/${name}`, actor, input);

/** Staff act once the intake is on record. */
const received = (caseId: string) =>
  eventually(async () => {
    const h = await ctx.http.get<{ steps: { action: string }[] }>(`/complaints/${caseId}/history`);
    return h.status === 200 && h.body.steps.some((s) => s.action === 'receive') ? h.body : undefined;
  });

async function graded(): Promise<string> {
  const logged = await ctx.http.post<Logged>('/complaints', csr, complaint());
  expect(logged.status).toBe(201);
  await received(logged.body.caseId);
  expect((await act(logged.body.caseId, 'verify', csr, { valid: true })).status).toBe(200);
  return logged.body.caseId;
}

describe('POST /complaints', () => {
  it('when the front desk logs a complaint, then 201 with its receipt number and the 1-hour response due time', async () => {
    const before = await ctx.sys.env.currentTimeMs();
    const reply = await ctx.http.post<Logged>('/complaints', csr, complaint());
    expect(reply.status).toBe(201);
    expect(reply.body.caseId).toMatch(/^TS\d{8}-[0-9A-Z]{6}$/);
    expect(reply.body.stage).toBe('verifying');
    expect(Date.parse(reply.body.dueAt.response) - 3_600_000).toBeGreaterThanOrEqual(before);
    const state = await ctx.http.get<ComplaintView>(`/complaints/${reply.body.caseId}`);
    expect(state.body.firstReceiver).toBe('csr-li');
  });

  it('when the receiver promises the customer an answer by a time (首问承诺), then it is a deadline of the case; a promise in 9999 is 400 and logs nothing', async () => {
    const now = await ctx.sys.env.currentTimeMs();
    const promisedReplyAt = new Date(now + 4 * 3_600_000).toISOString();
    const reply = await ctx.http.post<Logged & { dueAt: Record<string, string> }>('/complaints', csr, { ...complaint(), promisedReplyAt });
    expect(reply.status).toBe(201);
    expect(reply.body.dueAt.promise).toBe(promisedReplyAt);
    const u = `5-1-${randomUUID().slice(0, 6)}`;
    const bad = await ctx.http.post<{ code: string; issues: { path: string[] }[] }>('/complaints', csr, { ...complaint(u), promisedReplyAt: '9999-01-01T00:00:00Z' });
    expect([bad.status, bad.body.issues.map((i) => i.path.join('.'))]).toEqual([400, ['promisedReplyAt']]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await ctx.sys.db.case.count({ where: { unit: u } })).toBe(0);
  });

  it('when a technician tries to log a complaint, then 403', async () => {
    const reply = await ctx.http.post('/complaints', technician, complaint());
    expect(reply.status).toBe(403);
  });

  it('when the body names an unknown channel or misses the matter, then 400 with the issues', async () => {
    const { matter: _omit, ...noMatter } = complaint();
    const reply = await ctx.http.post<{ issues: { path: string[] }[] }>('/complaints', csr, { ...noMatter, channel: 'fax' });
    expect(reply.status).toBe(400);
    expect(reply.body.issues.map((i) => i.path.join('.')).sort()).toEqual(['channel', 'matter']);
  });

  it('when the same unit complains again about the same matter, then it is logged as a repeat of the first', async () => {
    const unit = `7-3-${randomUUID().slice(0, 6)}`;
    const first = await ctx.http.post<Logged>('/complaints', csr, complaint(unit, '电梯故障'));
    await received(first.body.caseId);
    const other = await ctx.http.post<Logged>('/complaints', csr, complaint(unit, '噪音扰民'));
    expect(other.body.repeatOf).toBeNull();
    const again = await ctx.http.post<Logged>('/complaints', csr, complaint(unit, '电梯故障'));
    expect(again.body.repeatOf).toBe(first.body.caseId);
  });
});

describe('role rules on complaint actions', () => {
  it('when a csr or a manager grades a complaint, then 403 and the complaint is still ungraded', async () => {
    const caseId = await graded();
    const input = { grade: 'general', route: 'inScope', method: '当日处理' };
    for (const actor of [csr, manager]) {
      const reply = await act(caseId, 'grade', actor, input);
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('Forbidden');
    }
    const state = await ctx.http.get<ComplaintView>(`/complaints/${caseId}`);
    expect([state.body.stage, state.body.grade]).toEqual(['grading', undefined]);
    expect((await act(caseId, 'grade', supervisor, input)).body.grade).toBe('general');
  });

  it('when a supervisor signs off a complex answer, then 403; the manager may, and then the customer can be answered', async () => {
    const caseId = await graded();
    await act(caseId, 'grade', supervisor, { grade: 'complex', route: 'inScope', method: '多部门协调' });
    await act(caseId, 'recordHandling', csr, { resolution: '已协调' });
    const bySupervisor = await act(caseId, 'signOff', supervisor, { approved: true });
    expect(bySupervisor.status).toBe(403);
    const early = await act(caseId, 'replyToCustomer', csr, { channel: 'phone', satisfied: true });
    expect(early.status).toBe(409);
    expect((await act(caseId, 'signOff', manager, { approved: true })).body.stage).toBe('replying');
  });

  it('when a transfer names no department, then 400', async () => {
    const caseId = await graded();
    const reply = await act(caseId, 'grade', supervisor, { grade: 'general', route: 'transferred', method: '转办' });
    expect(reply.status).toBe(400);
  });
});
