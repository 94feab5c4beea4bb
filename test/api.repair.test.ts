/**
 * The staff API over real HTTP, backed by the time-skipping Temporal server, the
 * real worker and a real SQLite database. The API's clock is the test server's
 * (`now` below), so registration and due times agree with the workflow's even
 * after the scenario skipped time.
 */
import { randomUUID } from 'node:crypto';
import type { CaseHistory } from '../api/caseRoutes';
import type { Actor } from '../workflows/lib/roles';
import { caseBreached, caseCentre, caseProcedure, caseStage, caseUnit } from '../workflows/lib/searchAttributes';
import { repairWorkflowId, type RepairView } from '../workflows/repair/repair.messages';
import { csr, eventually, localDate, supervisor, technician, technician2, resultOf } from './support/scenario';
import { type ErrorReply, useStaffHttp } from './support/http';

const ctx = useStaffHttp(csr);

// ---- helpers ----

const request = <T = unknown>(method: string, path: string, actor?: Actor, body?: unknown, raw?: string) =>
  ctx.http.request<T>(method, path, actor, body, raw);
const post = <T = unknown>(path: string, actor: Actor | undefined, body?: unknown) => ctx.http.post<T>(path, actor, body);
const get = <T = unknown>(path: string, actor: Actor | undefined = csr) => ctx.http.get<T>(path, actor);
const action = (caseId: string, name: string, actor: Actor, input: unknown = {}) =>
  post<RepairView>(`/repairs/${caseId}/actions/${name}`, actor, input);

/** A registration with a unit of its own, so "nothing was written" can be checked by unit. */
function registration(extra: Record<string, unknown> = {}) {
  return {
    unit: `3-2-${randomUUID().slice(0, 6)}`,
    ownerName: '张先生',
    ownerPhone: '13812345678',
    fault: '厨房水龙头漏水',
    channel: 'phone',
    ...extra,
  };
}

interface Opened {
  caseId: string;
  workflowId: string;
  stage: string;
  dueAt: Record<string, string | null>;
}

async function open(extra: Record<string, unknown> = {}): Promise<Opened> {
  const reply = await post<Opened>('/repairs', csr, registration(extra));
  expect(reply.status).toBe(201);
  return reply.body;
}

/** Real time: a rejected request has had every chance to write something. */
const settle = () => new Promise((r) => setTimeout(r, 500));

async function expectNoCaseFor(unit: string): Promise<void> {
  await settle();
  expect(await ctx.sys.db.case.count({ where: { unit } })).toBe(0);
}

const historyWith = (caseId: string, last: string) =>
  eventually(async () => {
    const h = await get<CaseHistory>(`/repairs/${caseId}/history`);
    return h.status === 200 && h.body.steps.some((s) => s.action === last) ? h.body : undefined;
  });

/**
 * Staff act once the front desk has finished registering: the workflow's own
 * steps (register, or register and quote) are in the trail.
 */
const registered = (caseId: string, last: 'register' | 'quoteFee' = 'register') => historyWith(caseId, last);

/** A repair registered, its service record filled and engineering notified by the csr: a technician can take it. */
async function openDispatched(): Promise<Opened> {
  const opened = await open();
  await registered(opened.caseId);
  const filled = await action(opened.caseId, 'fillServiceRecord', csr, {});
  expect([filled.status, filled.body.stage]).toEqual([200, 'dispatching']);
  return opened;
}

const issuePaths = (body: ErrorReply) => (body.issues ?? []).map((i) => i.path.join('.'));

// ---- scenarios ----

describe('GET /healthz and unknown routes', () => {
  it('when the health check is called without identity, then 200 ok', async () => {
    expect(await request('GET', '/healthz')).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('when a route does not exist, then 404 with the error shape (401 without a token: nothing is revealed to strangers)', async () => {
    expect((await request('GET', '/nowhere')).status).toBe(401);
    const reply = await request('GET', '/nowhere', csr);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ code: 'NotFound', message: '接口不存在' });
  });
});

describe('POST /repairs', () => {
  it('when a csr registers a free repair, then 201 with the receipt number, stage and due times 1 hour / 5 minutes from registration', async () => {
    // Skip the server's clock far from the wall clock: due times must follow the server's.
    await ctx.sys.env.sleep(3 * 86_400_000);
    const before = await ctx.sys.env.currentTimeMs();
    const body = registration();
    const reply = await post<Opened>('/repairs', csr, body);
    const after = await ctx.sys.env.currentTimeMs();

    expect(reply.status).toBe(201);
    const { caseId, workflowId, stage, dueAt } = reply.body;
    expect(caseId).toMatch(new RegExp(`^BX${localDate(new Date(before)).replace(/-/g, '')}-[0-9A-Z]{6}$`));
    expect(workflowId).toBe(repairWorkflowId(caseId));
    expect(stage).toBe('recording');
    // Registration time is the server's clock during the request (it runs in real time):
    // the bounds below pin it between the readings taken around the request.
    const response = Date.parse(dueAt.response as string);
    const serviceRecord = Date.parse(dueAt.serviceRecord as string);
    expect(response - 3_600_000).toBeGreaterThanOrEqual(before);
    expect(response - 3_600_000).toBeLessThanOrEqual(after);
    expect(serviceRecord - 300_000).toBe(response - 3_600_000);
    expect(dueAt.dispatch).toBeUndefined();

    // The answer is the workflow's own: its clocks' due times exactly, and the
    // registration (with engineering notified) is on record when it arrives.
    const view = (await get<RepairView>(`/repairs/${caseId}`)).body;
    expect(view.clocks.find((c) => c.name === 'response')?.dueAt).toBe(dueAt.response);
    expect(view.clocks.find((c) => c.name === 'serviceRecord')?.dueAt).toBe(dueAt.serviceRecord);
    expect(view.waitingOn).toEqual({ who: csr.id, what: '填写服务记录并通知工程部', dueAt: dueAt.serviceRecord });
    expect(Date.parse(view.registeredAt)).toBe(response - 3_600_000);
    const trail = await get<{ steps: { action: string }[] }>(`/repairs/${caseId}/history`);
    expect(trail.body.steps.map((s) => s.action)).toEqual(['register']);
    expect((await ctx.sys.db.case.findUniqueOrThrow({ where: { id: caseId } })).nextDueAt?.toISOString()).toBe(dueAt.serviceRecord);

    // What a supervisor sees in the Temporal UI.
    const described = await ctx.sys.env.client.workflow.getHandle(workflowId).describe();
    expect(described.typedSearchAttributes.get(caseProcedure)).toBe('repair');
    expect(described.typedSearchAttributes.get(caseUnit)).toBe(body.unit);
    expect(described.typedSearchAttributes.get(caseCentre)).toBe('default');
    expect(described.typedSearchAttributes.get(caseBreached)).toBe(false);
    expect(described.typedSearchAttributes.get(caseStage)).toBe('recording');
    // Its summary and details come from the repair's contract, with the owner's name and phone masked.
    expect(await described.staticSummary()).toBe(`报修 ${caseId} · ${body.unit} · ${body.fault}`);
    const details = (await described.staticDetails()) ?? '';
    expect(details).toContain(`业主：张**（${body.ownerPhone.slice(0, 3)}****${body.ownerPhone.slice(-4)}）`);
    expect(details).not.toContain(body.ownerPhone);
    expect(details).not.toContain(body.ownerName);
  });

  it('when the fault is missing, then 400 with the zod issue and no case is written', async () => {
    const body = registration();
    delete (body as Partial<typeof body>).fault;
    const reply = await post<ErrorReply>('/repairs', csr, body);
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('InvalidInput');
    expect(reply.body.message).toBe('报修登记内容有误');
    expect(issuePaths(reply.body)).toEqual(['fault']);
    await expectNoCaseFor(body.unit);
  });

  it('when the body has an unknown field, then 400 naming it and no case is written', async () => {
    const body = registration({ priority: 'urgent' });
    const reply = await post<ErrorReply>('/repairs', csr, body);
    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['priority'] })]);
    await expectNoCaseFor(body.unit);
  });

  it('when fields have the wrong types, then 400 listing each of them and no case is written', async () => {
    const body = registration({ ownerPhone: 13812345678, channel: 'fax', paid: { kind: 'listed', item: '换锁', feeFen: -5 } });
    const reply = await post<ErrorReply>('/repairs', csr, body);
    expect(reply.status).toBe(400);
    expect(issuePaths(reply.body).sort()).toEqual(['channel', 'ownerPhone', 'paid.feeFen']);
    await expectNoCaseFor(body.unit);
  });

  it('when a listed-price repair names an item of the price list, then its fee is the list\'s; an item not on the list or another fee is 400 and nothing is written', async () => {
    const listed = await open({ paid: { kind: 'listed', item: '更换门锁' } });
    expect((await get<RepairView>(`/repairs/${listed.caseId}`)).body.quote).toEqual({ item: '更换门锁', feeFen: 12_000 });
    const unknown = registration({ paid: { kind: 'listed', item: '更换整体橱柜' } });
    const refused = await post<ErrorReply>('/repairs', csr, unknown);
    expect([refused.status, issuePaths(refused.body)]).toEqual([400, ['paid.item']]);
    expect(JSON.stringify(refused.body.issues)).toContain('不在有偿维修收费标准中');
    await expectNoCaseFor(unknown.unit);
    const cheaper = registration({ paid: { kind: 'listed', item: '更换门锁', feeFen: 100 } });
    const wrongFee = await post<ErrorReply>('/repairs', csr, cheaper);
    expect([wrongFee.status, issuePaths(wrongFee.body)]).toEqual([400, ['paid.feeFen']]);
    expect(JSON.stringify(wrongFee.body.issues)).toContain('120.00');
    await expectNoCaseFor(cheaper.unit);
  });

  it('when the body is not valid JSON, then 400 MalformedJson', async () => {
    const reply = await request('POST', '/repairs', csr, undefined, '{"unit": "3-2-1101",');
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ code: 'MalformedJson', message: '请求体不是有效的 JSON' });
  });

  it('when the bearer token is missing, unknown or malformed, then 401 and no case is written', async () => {
    const body = registration();
    const none = await post<ErrorReply>('/repairs', undefined, body);
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('Unauthenticated');
    const owner = await request('POST', '/repairs', { id: 'owner-1', role: 'owner' } as unknown as Actor, body);
    expect(owner.status).toBe(401);
    const noRole = await fetch(`${ctx.http.server.url}/repairs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer not-a-token' },
      body: JSON.stringify(body),
    });
    expect(noRole.status).toBe(401);
    expect((await request('GET', '/repairs/BX20261122-ABC123')).status).toBe(401);
    await expectNoCaseFor(body.unit);
  });

  it('when a technician registers a repair, then 403 and no case is written', async () => {
    const body = registration();
    const reply = await post('/repairs', technician, body);
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ code: 'Forbidden', message: '角色「工程部」无权执行「登记报修」' });
    await expectNoCaseFor(body.unit);
  });

  it('when a technician takes a job whose service record the csr has not filled yet, then 409; once she fills it, engineering has 30 minutes to take it', async () => {
    const { caseId } = await open();
    await registered(caseId);
    const tooEarly = await action(caseId, 'takeJob', technician);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body).toEqual({ code: 'InvalidStage', message: '当前阶段「待填写服务记录」不能执行「接单」' });
    expect((await action(caseId, 'fillServiceRecord', technician, {})).status).toBe(403);
    const filled = await action(caseId, 'fillServiceRecord', csr, { note: '已电话通知工程部' });
    expect(filled.status).toBe(200);
    const history = await historyWith(caseId, 'fillServiceRecord');
    const at = Date.parse(history.steps.find((s) => s.action === 'fillServiceRecord')?.at as string);
    expect(filled.body.clocks.find((c) => c.name === 'dispatch')?.dueAt).toBe(new Date(at + 30 * 60_000).toISOString());
    expect(filled.body.waitingOn).toMatchObject({ who: '工程部', what: '接单' });
    expect(history.steps.find((s) => s.action === 'fillServiceRecord')).toMatchObject({ label: '填写服务记录并通知工程部', actor: csr });
    expect((await action(caseId, 'takeJob', technician)).status).toBe(200);
  });

  it('when a paid listed repair is registered, then it waits for the owner to confirm the fee, and when the owner declines, then the case is cancelled', async () => {
    const opened = await open({ paid: { kind: 'listed', item: '更换水龙头', feeFen: 8_000 } });
    expect(opened.stage).toBe('awaitingFeeConfirmation');
    expect(opened.dueAt.serviceRecord).toBeNull();
    // The Temporal UI shows the stage the workflow set, not one the API predicted.
    const described = await ctx.sys.env.client.workflow.getHandle(opened.workflowId).describe();
    expect(described.typedSearchAttributes.get(caseStage)).toBe('awaitingFeeConfirmation');

    const view = (await get<RepairView>(`/repairs/${opened.caseId}`)).body;
    expect(view.stage).toBe('awaitingFeeConfirmation');
    expect(view.waitingOn).toEqual({ who: '业主', what: '确认维修费用' });
    expect(view.quote).toEqual({ item: '更换水龙头', feeFen: 8_000 });
    await registered(opened.caseId, 'quoteFee');

    const tooEarly = await action(opened.caseId, 'takeJob', technician);
    expect(tooEarly.status).toBe(409);

    const declined = await action(opened.caseId, 'confirmFee', csr, { accepted: false, note: '业主嫌贵' });
    expect(declined.status).toBe(200);
    expect(declined.body.stage).toBe('cancelled');

    const history = await historyWith(opened.caseId, 'close');
    expect(history.outcome).toBe('cancelled');
    expect(history.steps.map((s) => s.action)).toEqual(['register', 'quoteFee', 'confirmFee', 'close']);
    const quote = await ctx.sys.db.charge.findMany({ where: { caseId: opened.caseId } });
    expect(quote.map((c) => [c.kind, c.item, c.amountFen])).toEqual([['quote', '更换水龙头', 8_000]]);
  });
});

describe('GET /repairs/:caseId and /history', () => {
  it('when the case does not exist, then 404 CaseNotFound for the state and the history', async () => {
    const state = await get('/repairs/BX20200101-NOPE00');
    expect(state.status).toBe(404);
    expect(state.body).toEqual({ code: 'CaseNotFound', message: '工单 BX20200101-NOPE00 不存在' });
    expect((await get('/repairs/BX20200101-NOPE00/history')).status).toBe(404);
  });

  it('when the receipt number is garbage, then 400 with the zod issue', async () => {
    const reply = await get<ErrorReply>('/repairs/..%2Fetc%2Fpasswd');
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('InvalidInput');
    expect(reply.body.issues).toHaveLength(1);
    expect((await get('/repairs/bx20261122-abc123/history')).status).toBe(400);
  });
});

describe('POST /repairs/:caseId/actions/:action', () => {
  it('when a repair goes open → respond → take → complete with charges → satisfied return visit, then the case is closed, its trail lists every step with its actor, charges and the owner file are persisted', async () => {
    const { caseId } = await openDispatched();

    const responded = await action(caseId, 'respondToOwner', csr, { channel: 'phone', note: '已回电，师傅马上到' });
    expect(responded.status).toBe(200);
    expect(responded.body.stage).toBe('dispatching');

    const taken = await post<RepairView>(`/repairs/${caseId}/actions/takeJob`, technician); // no body at all
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ stage: 'inProgress', assignee: technician.id });

    const charges = [
      { kind: 'labour', item: '更换阀芯人工', amountFen: 3_000 },
      { kind: 'material', item: '陶瓷阀芯', amountFen: 2_500 },
    ];
    const done = await action(caseId, 'reportCompletion', technician, { workDone: '更换阀芯，试水无渗漏', charges });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ stage: 'awaitingReturnVisit', chargesFen: 5_500 });

    const visited = await action(caseId, 'recordReturnVisit', csr, { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false });
    expect(visited.status).toBe(200);
    expect(visited.body.stage).toBe('closed');

    const state = await get<RepairView>(`/repairs/${caseId}`);
    expect(state.status).toBe(200);
    expect(state.body.stage).toBe('closed');

    const history = await historyWith(caseId, 'close');
    expect(history.outcome).toBe('closed');
    expect(history.steps.map((s) => [s.seq, s.action, s.actor.id])).toEqual([
      [1, 'register', csr.id],
      [2, 'fillServiceRecord', csr.id],
      [3, 'respondToOwner', csr.id],
      [4, 'takeJob', technician.id],
      [5, 'reportCompletion', technician.id],
      [6, 'recordReturnVisit', csr.id],
      [7, 'close', 'system'],
    ]);
    expect(history.steps[2]).toMatchObject({ label: '回复业主', actor: csr, detail: { channel: 'phone', note: '已回电，师傅马上到' } });
    expect((history.steps[4].detail as { charges?: unknown }).charges).toEqual(charges);
    const times = history.steps.map((s) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(history.deadlines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ clock: 'response', kind: 'met' }),
        expect.objectContaining({ clock: 'serviceRecord', kind: 'met' }),
        expect.objectContaining({ clock: 'dispatch', kind: 'met' }),
        expect.objectContaining({ clock: 'returnVisit', kind: 'met' }),
      ]),
    );

    const persisted = await ctx.sys.db.charge.findMany({ where: { caseId }, orderBy: { id: 'asc' } });
    expect(persisted.map((c) => ({ kind: c.kind, item: c.item, amountFen: c.amountFen }))).toEqual(charges);
    const file = await eventually(() => ctx.sys.db.ownerFileEntry.findFirst({ where: { kind: 'repair', ref: caseId } }));
    expect(file.summary).toBe('报修：厨房水龙头漏水');
    expect(JSON.parse(file.content)).toMatchObject({ caseId, stage: 'closed' });
  });

  it('when a csr takes a job, then 403 and the case is unchanged', async () => {
    const { caseId } = await openDispatched();
    const reply = await action(caseId, 'takeJob', csr);
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ code: 'Forbidden', message: '角色「客服员」无权执行「接单」' });
    const state = (await get<RepairView>(`/repairs/${caseId}`)).body;
    expect(state.stage).toBe('dispatching');
    expect(state.assignee).toBeUndefined();
    const history = await historyWith(caseId, 'fillServiceRecord');
    await settle();
    expect((await get<CaseHistory>(`/repairs/${caseId}/history`)).body.steps).toHaveLength(history.steps.length);
  });

  it('when another technician reports completion of a job someone else took, then 403 from the workflow', async () => {
    const { caseId } = await openDispatched();
    expect((await action(caseId, 'takeJob', technician)).status).toBe(200);
    const reply = await action(caseId, 'reportCompletion', technician2, { workDone: '已修好' });
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ code: 'Forbidden', message: `该工单由 ${technician.id} 负责` });
  });

  it('when an action input is invalid, then 400 with the zod issues and nothing is recorded', async () => {
    const { caseId } = await open();
    const before = await registered(caseId);
    const reply = await post<ErrorReply>(`/repairs/${caseId}/actions/respondToOwner`, csr, { channel: 'fax', note: '', extra: 1 });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toBe('「回复业主」的输入无效');
    expect(issuePaths(reply.body).sort()).toEqual(['', 'channel', 'note']);
    await settle();
    const after = (await get<CaseHistory>(`/repairs/${caseId}/history`)).body;
    expect(after.steps).toHaveLength(before.steps.length);
    expect(after.deadlines.filter((d) => d.clock === 'response' && d.kind === 'met')).toEqual([]);
  });

  it('when an appointment is in year 9999, in 1970 or more than 10 minutes ago, then 400 naming its window, nothing is recorded, and the case still takes its next action', async () => {
    const { caseId } = await openDispatched();
    const before = await historyWith(caseId, 'fillServiceRecord');
    const now = await ctx.sys.env.currentTimeMs();
    for (const at of ['9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', new Date(now - 11 * 60_000).toISOString()]) {
      const reply = await post<ErrorReply>(`/repairs/${caseId}/actions/bookAppointment`, csr, { at, reason: '业主约的时间' });
      expect(reply.status).toBe(400);
      expect(issuePaths(reply.body)).toEqual(['at']);
      expect(JSON.stringify(reply.body.issues)).toContain('之间');
    }
    await settle();
    expect((await get<CaseHistory>(`/repairs/${caseId}/history`)).body.steps).toHaveLength(before.steps.length);
    const tomorrow = new Date(now + 24 * 3_600_000).toISOString();
    const booked = await post<RepairView>(`/repairs/${caseId}/actions/bookAppointment`, csr, { at: tomorrow, reason: '业主明天在家' });
    expect(booked.status).toBe(200);
    expect(booked.body.appointmentAt).toBe(tomorrow);
  });

  it('when the action does not exist, then 404 UnknownAction', async () => {
    const { caseId } = await open();
    const reply = await post(`/repairs/${caseId}/actions/fly`, supervisor, {});
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ code: 'UnknownAction', message: '未知操作：fly' });
    expect((await action(caseId, 'constructor', supervisor)).status).toBe(404);
  });

  it('when the case does not exist, then 404 CaseNotFound', async () => {
    const reply = await post<ErrorReply>('/repairs/BX20200101-NOPE00/actions/takeJob', technician, {});
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('CaseNotFound');
  });

  it('when a completion is reported while the case is still dispatching, then 409 InvalidStage', async () => {
    const { caseId } = await openDispatched();
    const reply = await action(caseId, 'reportCompletion', technician, { workDone: '已修好' });
    expect(reply.status).toBe(409);
    expect(reply.body).toEqual({ code: 'InvalidStage', message: '当前阶段「待接单」不能执行「完工报告」' });
    expect((await get<RepairView>(`/repairs/${caseId}`)).body.stage).toBe('dispatching');
  });

  it('when an action arrives after the case closed, then 409 工单已结束', async () => {
    const opened = await open({ paid: { kind: 'listed', item: '更换门锁' } });
    await registered(opened.caseId, 'quoteFee');
    expect((await action(opened.caseId, 'confirmFee', supervisor, { accepted: false })).status).toBe(200);
    await resultOf(ctx.sys.env.client.workflow.getHandle(opened.workflowId));

    const reply = await action(opened.caseId, 'respondToOwner', csr, { channel: 'phone', note: '再联系' });
    expect(reply.status).toBe(409);
    expect(reply.body).toEqual({ code: 'CaseEnded', message: '工单已结束' });
    // Reads still work on a closed case.
    expect((await get<RepairView>(`/repairs/${opened.caseId}`)).body.stage).toBe('cancelled');
  });
});
