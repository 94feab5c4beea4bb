/**
 * The community event (DOMAIN.md §6) on the time-skipping server, after the
 * plan: an event not approved in time, the summary and the 10% return visits.
 * (Apart from the approval scenarios: each file's test server skips time alone.)
 */
import { returnVisitSample } from '../workflows/communityEvent/communityEvent.policy';
import { actOnCommunityEvent, communityEventIdOf, communityEventOf, planCommunityEvent } from './support/communityEventScenario';
import { executive } from './support/complaintScenario';
import { clockTo, csr, eventsUntil, HOUR, local, localDate, MINUTE, rejectionOf, resultOf, supervisor } from './support/scenario';
import { useTimeSkippingSystem } from './support/temporal';

const system = useTimeSkippingSystem();

const dueOf = (view: { clocks: { name: string; dueAt?: string }[] }, clock: string) => new Date(view.clocks.find((c) => c.name === clock)?.dueAt ?? 0).getTime();
const names = (n: number) => Array.from({ length: n }, (_, i) => `居民${String(i + 1).padStart(2, '0')}`);

describe('the event date', () => {
  it('not approved by the event date: not held, with the reason, and escalated', async () => {
    const now = new Date(await system().env.currentTimeMs());
    const date = localDate(now, 10);
    const h = await planCommunityEvent(system().env, date);
    const caseId = communityEventIdOf(h);
    await actOnCommunityEvent(h, 'submitPlan', csr, { plan: '方案' });
    await clockTo(system().env, local(`${date}T00:01`));
    const result = await resultOf(h);
    expect(result.outcome).toBe('notHeld');
    expect(result.view.notHeldReason).toContain('服务中心审核');
    const events = await eventsUntil(system().db, caseId, 'approval', 'breached');
    expect(events.find((e) => e.kind === 'breached')?.recipient).toBe('role:manager');
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:executive' && m.text.includes('未举办'))).toBe(true);
  });
});

describe('4.–5. summary and return visits', () => {
  it('10% of the participants, at least one, chosen reproducibly', () => {
    const sample = returnVisitSample('HD1', names(25));
    expect(sample).toHaveLength(3);
    expect(returnVisitSample('HD1', [...names(25)].reverse())).toEqual(sample);
    expect(returnVisitSample('HD1', names(4))).toHaveLength(1);
    expect(returnVisitSample('HD2', names(25))).not.toEqual(sample);
  });

  it('after the event the summary is due in 7 days and the visits in a month; the case closes when both are done', async () => {
    const now = new Date(await system().env.currentTimeMs());
    const date = localDate(now, 40);
    const h = await planCommunityEvent(system().env, date);
    const caseId = communityEventIdOf(h);
    await actOnCommunityEvent(h, 'submitPlan', csr, { plan: '方案' });
    await actOnCommunityEvent(h, 'reviewPlan', supervisor, { approved: true });
    await actOnCommunityEvent(h, 'approvePlan', executive, { approved: true });
    await clockTo(system().env, local(`${date}T15:00`));
    let view = await actOnCommunityEvent(h, 'recordParticipants', csr, { participants: names(25) });
    expect(view.returnVisitSample).toEqual(returnVisitSample(caseId, names(25)));
    await clockTo(system().env, local(`${localDate(local(`${date}T12:00`), 1)}T00:01`));
    view = await communityEventOf(h);
    expect(view.stage).toBe('followUp');
    const dayAfter = local(`${localDate(local(`${date}T12:00`), 1)}T00:00`);
    expect(Math.abs(dueOf(view, 'summary') - dayAfter.getTime() - 7 * 24 * HOUR)).toBeLessThan(MINUTE);
    const monthAfter = new Date(dayAfter);
    monthAfter.setUTCMonth(monthAfter.getUTCMonth() + 1);
    expect(Math.abs(dueOf(view, 'returnVisit') - monthAfter.getTime())).toBeLessThan(MINUTE);
    // The summary is late: the supervisor hears.
    await system().env.sleep(7 * 24 * HOUR + MINUTE);
    const summary = await eventsUntil(system().db, caseId, 'summary', 'breached');
    expect(summary.find((e) => e.kind === 'breached')?.recipient).toBe('role:supervisor');
    const outsider = names(25).find((n) => !view.returnVisitSample.includes(n)) as string;
    expect(await rejectionOf(actOnCommunityEvent(h, 'recordEventReturnVisit', csr, { participant: outsider, answer: '满意' }))).toBe('InvalidInput');
    await actOnCommunityEvent(h, 'recordSummary', csr, { summary: '参加 25 人，反响良好' });
    for (const participant of view.returnVisitSample) {
      view = await actOnCommunityEvent(h, 'recordEventReturnVisit', csr, { participant, answer: '满意，希望多办' });
    }
    const result = await resultOf(h);
    expect(result.outcome).toBe('closed');
    expect(result.view.returnVisits).toHaveLength(3);
    const visits = await system().db.deadlineEvent.findMany({ where: { caseId, clock: 'returnVisit' } });
    expect(visits.map((e) => e.kind)).toEqual(['started', 'met']);
  });

  it('a return visit not made within a month of the event is breached', async () => {
    const now = new Date(await system().env.currentTimeMs());
    const date = localDate(now, 35);
    const h = await planCommunityEvent(system().env, date);
    const caseId = communityEventIdOf(h);
    await actOnCommunityEvent(h, 'submitPlan', csr, { plan: '方案' });
    await actOnCommunityEvent(h, 'reviewPlan', supervisor, { approved: true });
    await actOnCommunityEvent(h, 'approvePlan', executive, { approved: true });
    await clockTo(system().env, local(`${date}T15:00`));
    const view = await actOnCommunityEvent(h, 'recordParticipants', csr, { participants: ['张三', '李四'] });
    expect(view.returnVisitSample).toHaveLength(1);
    await clockTo(system().env, local(`${localDate(local(`${date}T12:00`), 33)}T00:00`));
    const events = await eventsUntil(system().db, caseId, 'returnVisit', 'breached');
    expect(events.find((e) => e.kind === 'breached')?.recipient).toBe('role:supervisor');
    await system().env.client.workflow.getHandle(h.workflowId).terminate('scenario done');
  });
});
