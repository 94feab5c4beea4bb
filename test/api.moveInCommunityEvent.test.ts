/**
 * The move-in and community-event routes over real HTTP against a real worker:
 * opening cases, the checklist actions, the annual plan, and the error classes
 * (400 input, 401 identity, 403 role, 404 unknown case, 409 stage).
 */
import { randomUUID } from 'node:crypto';
import type { CommunityEventView } from '../workflows/communityEvent/communityEvent.messages';
import type { MoveInView } from '../workflows/moveIn/moveIn.messages';
import type { Actor } from '../workflows/lib/roles';
import { executive } from './support/complaintScenario';
import { useStaffHttp } from './support/http';
import { csr, eventually, localDate, supervisor, technician } from './support/scenario';

const ctx = useStaffHttp(csr);

const moveIn = (extra: Record<string, unknown> = {}) => ({
  unit: `9-2-${randomUUID().slice(0, 6)}`,
  ownerName: '孙先生',
  ownerPhone: '13600000000',
  ...extra,
});

/** The case on record (its opening step in the history). */
const onRecord = (path: string, step: string) =>
  eventually(async () => {
    const h = await ctx.http.get<{ steps: { action: string }[] }>(`${path}/history`);
    return h.status === 200 && h.body.steps.some((s) => s.action === step) ? h.body : undefined;
  });

describe('POST /move-ins and its actions', () => {
  const act = (caseId: string, name: string, actor: Actor, input: unknown = {}) =>
    ctx.http.post<MoveInView & { code?: string }>(`/move-ins/${caseId}/actions/${name}`, actor, input);

  it('when the front desk opens a move-in with a delegate, then 201 and the delegate papers are required', async () => {
    const reply = await ctx.http.post<{ caseId: string; stage: string; dueAt: { stall: string } }>('/move-ins', csr, moveIn({ delegate: { name: '周女士' } }));
    expect(reply.status).toBe(201);
    expect(reply.body.caseId).toMatch(/^RZ\d{8}-[0-9A-Z]{6}$/);
    await onRecord(`/move-ins/${reply.body.caseId}`, 'open');
    const state = await ctx.http.get<MoveInView>(`/move-ins/${reply.body.caseId}`);
    expect(state.body.required.identity).toEqual(expect.arrayContaining(['powerOfAttorney', 'delegateId']));
  });

  it('when a step is completed with items missing, then 409; an unknown item 400; a technician 403; an unknown case 404', async () => {
    const { body } = await ctx.http.post<{ caseId: string }>('/move-ins', csr, moveIn());
    await onRecord(`/move-ins/${body.caseId}`, 'open');
    expect((await act(body.caseId, 'completeStep', csr, { step: 'identity' })).status).toBe(409);
    const unknownItem = await act(body.caseId, 'recordItem', csr, { step: 'identity', item: 'passport', evidence: { ref: 'X' } });
    expect(unknownItem.status).toBe(400);
    expect((await act(body.caseId, 'recordItem', technician, { step: 'identity', item: 'ownerId', evidence: { ref: 'X' } })).status).toBe(403);
    const ok = await act(body.caseId, 'recordItem', supervisor, { step: 'identity', item: 'ownerId', evidence: { ref: 'ID-1' } });
    expect(ok.status).toBe(200);
    expect(ok.body.items.identity['ownerId']?.checkedBy).toBe('sup-wang');
    expect((await ctx.http.get('/move-ins/RZ20261122-ZZZZZZ')).status).toBe(404);
  });

  it('when a technician opens a move-in, then 403; a body without the owner, then 400; no identity, then 401', async () => {
    expect((await ctx.http.post('/move-ins', technician, moveIn())).status).toBe(403);
    const { ownerName: _omit, ...noOwner } = moveIn();
    expect((await ctx.http.post('/move-ins', csr, noOwner)).status).toBe(400);
    expect((await ctx.http.post('/move-ins', undefined, moveIn())).status).toBe(401);
  });
});

describe('POST /events/plans and the event actions', () => {
  const act = (caseId: string, name: string, actor: Actor, input: unknown = {}) =>
    ctx.http.post<CommunityEventView & { code?: string }>(`/events/${caseId}/actions/${name}`, actor, input);

  it('when the front desk posts the annual plan, then one event case per event, each with its plan id and plan due date', async () => {
    const now = new Date(await ctx.sys.env.currentTimeMs());
    const reply = await ctx.http.post<{ planId: string; events: { caseId: string; date: string; planDueAt: string }[] }>('/events/plans', csr, {
      events: [
        { title: '中秋游园会', date: localDate(now, 60) },
        { title: '重阳敬老', date: localDate(now, 90), description: '慰问高龄业主' },
      ],
    });
    expect(reply.status).toBe(201);
    expect(reply.body.planId).toMatch(/^JH\d{8}-[0-9A-Z]{6}$/);
    expect(reply.body.events).toHaveLength(2);
    const [first] = reply.body.events;
    expect(first?.caseId).toMatch(/^HD\d{8}-[0-9A-Z]{6}$/);
    await onRecord(`/events/${first?.caseId}`, 'plan');
    const state = await ctx.http.get<CommunityEventView>(`/events/${first?.caseId}`);
    expect([state.body.planId, state.body.stage]).toEqual([reply.body.planId, 'drafting']);
    // Review before the plan is in: 409; by the wrong role: 403; a send-back without comments: 400.
    expect((await act(first?.caseId, 'reviewPlan', supervisor, { approved: true })).status).toBe(409);
    expect((await act(first?.caseId, 'submitPlan', csr, { plan: '游园方案' })).status).toBe(200);
    expect((await act(first?.caseId, 'reviewPlan', executive, { approved: true })).status).toBe(403);
    expect((await act(first?.caseId, 'reviewPlan', supervisor, { approved: false })).status).toBe(400);
    expect((await act(first?.caseId, 'reviewPlan', supervisor, { approved: true })).body.stage).toBe('companyApproval');
  });

  it('when an event date is past, today, more than 2 years ahead or does not exist, then 400 naming each; a technician, then 403; an unknown event, then 404', async () => {
    const now = new Date(await ctx.sys.env.currentTimeMs());
    const twoYearsAhead = `${Number(localDate(now).slice(0, 4)) + 2}${localDate(now).slice(4)}`;
    const past = await ctx.http.post<{ issues: { path: (string | number)[] }[] }>('/events/plans', csr, {
      events: [
        { title: '旧活动', date: localDate(now, -3) },
        { title: '坏日期', date: '2026-13-45' },
        { title: '今天', date: localDate(now) },
        { title: '太远', date: localDate(new Date(Date.parse(`${twoYearsAhead}T12:00:00+08:00`)), 1) },
        { title: '二月三十日', date: '2027-02-30' },
        { title: '万年后', date: '9999-12-31' },
        { title: '两年内', date: twoYearsAhead },
      ],
    });
    expect(past.status).toBe(400);
    expect(past.body.issues.map((i) => i.path.join('.'))).toEqual(['events.0.date', 'events.1.date', 'events.2.date', 'events.3.date', 'events.4.date', 'events.5.date']);
    expect((await ctx.http.post('/events/plans', technician, { events: [{ title: 'x', date: localDate(now, 40) }] })).status).toBe(403);
    expect((await ctx.http.get('/events/HD20261122-ZZZZZZ')).status).toBe(404);
  });
});
