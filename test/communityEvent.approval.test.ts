/**
 * The community event (DOMAIN.md §6) on the time-skipping server: the plan due
 * a month before the event, review and approval with send-backs that keep the
 * deadlines (the rest in communityEvent.followUp.test.ts).
 */
import { actOnCommunityEvent, communityEventIdOf, communityEventOf, planCommunityEvent } from './support/communityEventScenario';
import { executive, manager } from './support/complaintScenario';
import { clockTo, csr, eventually, HOUR, local, localDate, rejectionOf, supervisor } from './support/scenario';
import { useTimeSkippingSystem } from './support/temporal';

const system = useTimeSkippingSystem();

const dueOf = (view: { clocks: { name: string; dueAt?: string }[] }, clock: string) => new Date(view.clocks.find((c) => c.name === clock)?.dueAt ?? 0).getTime();
/** The local date one month before 'YYYY-MM-DD', clamped to the end of a shorter month (03-31 → 02-28). */
function monthBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 2, Math.min(d, last))).toISOString().slice(0, 10);
}
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);

/** The event on record, its clocks started. */
const onRecord = (h: Parameters<typeof communityEventOf>[0]) => eventually(async () => {
  const view = await communityEventOf(h);
  return view.clocks.length ? view : undefined;
});

describe('a date no plan could have, sent straight to the workflow past the API', () => {
  it('an event dated 31 December 9999 does not break the case: its clocks are bounded, its row and the Temporal UI take them, and it takes its next actions', async () => {
    const h = await planCommunityEvent(system().env, '9999-12-31');
    const view = await onRecord(h);
    expect(view.clocks.every((c) => c.dueAt === undefined || Date.parse(c.dueAt) <= Date.UTC(2200, 0, 1))).toBe(true);
    const row = await eventually(async () => (await system().db.case.findUnique({ where: { id: communityEventIdOf(h) } })) ?? undefined);
    expect(row.nextDueAt?.getTime()).toBeLessThanOrEqual(Date.UTC(2200, 0, 1));
    await actOnCommunityEvent(h, 'submitPlan', csr, { plan: '万年庆典' });
    expect((await actOnCommunityEvent(h, 'reviewPlan', manager, { approved: true })).stage).toBe('companyApproval');
    await system().env.client.workflow.getHandle(h.workflowId).terminate('scenario done');
  });
});

describe('2. plan, review and approval', () => {
  it('a plan approved the first time: due a month before the event, held on its date', async () => {
    const now = new Date(await system().env.currentTimeMs());
    const date = localDate(now, 50);
    const h = await planCommunityEvent(system().env, date);
    let view = await onRecord(h);
    const eventStart = local(`${date}T00:00`).getTime();
    // Written "1 month before": by the end of that day (the midnight that starts the next), exactly.
    expect(dueOf(view, 'plan')).toBe(local(`${dayAfter(monthBefore(date))}T00:00`).getTime());
    expect(dueOf(view, 'approval')).toBe(eventStart);
    expect(await rejectionOf(actOnCommunityEvent(h, 'reviewPlan', supervisor, { approved: true }))).toBe('InvalidStage');
    await actOnCommunityEvent(h, 'submitPlan', csr, { plan: '游园、猜灯谜、亲子手工' });
    expect(await rejectionOf(actOnCommunityEvent(h, 'reviewPlan', csr, { approved: true }))).toBe('Forbidden');
    await actOnCommunityEvent(h, 'reviewPlan', manager, { approved: true });
    expect(await rejectionOf(actOnCommunityEvent(h, 'approvePlan', supervisor, { approved: true }))).toBe('Forbidden');
    view = await actOnCommunityEvent(h, 'approvePlan', executive, { approved: true });
    expect(view.stage).toBe('approved');
    await clockTo(system().env, local(`${date}T10:00`));
    expect((await communityEventOf(h)).stage).toBe('running');
    await system().env.client.workflow.getHandle(h.workflowId).terminate('scenario done');
  });

  it('a plan handed in at 23:59:50 on the day one month before a 31 March event (28 February) is on time; it breaches only at the midnight after', async () => {
    const now = new Date(await system().env.currentTimeMs());
    // The next 31 March whose plan day (end of February) is still ahead.
    const thisYear = Number(localDate(now).slice(0, 4));
    const year = localDate(now) < `${thisYear}-02-20` ? thisYear : thisYear + 1;
    const date = `${year}-03-31`;
    const dueDay = monthBefore(date);
    expect(dueDay.slice(5)).toMatch(/^02-2[89]$/);
    const early = await planCommunityEvent(system().env, date);
    const late = await planCommunityEvent(system().env, date);
    await onRecord(early);
    await onRecord(late);
    // (10 s before midnight: the scenario driver sends nothing within 5 s of a timer, see the platform trap in README.)
    await clockTo(system().env, new Date(local(`${dueDay}T23:59`).getTime() + 50 * 1000));
    await actOnCommunityEvent(early, 'submitPlan', csr, { plan: '植树活动' });
    await clockTo(system().env, local(`${dayAfter(dueDay)}T00:05`));
    const kinds = async (h: Parameters<typeof communityEventIdOf>[0]) =>
      (await system().db.deadlineEvent.findMany({ where: { caseId: communityEventIdOf(h), clock: 'plan' }, orderBy: { id: 'asc' } })).map((e) => [e.kind, e.at.toISOString()]);
    expect((await kinds(early)).map(([k]) => k)).toEqual(['started', 'warning', 'warning', 'met']);
    const breached = await eventually(async () => (await kinds(late)).find(([k]) => k === 'breached'));
    expect(breached?.[1]).toBe(local(`${dayAfter(dueDay)}T00:00`).toISOString());
    for (const h of [early, late]) await system().env.client.workflow.getHandle(h.workflowId).terminate('scenario done');
  });

  it('sent back by the centre and by the company, then approved: the deadlines stay as first set', async () => {
    const now = new Date(await system().env.currentTimeMs());
    const h = await planCommunityEvent(system().env, localDate(now, 60));
    const caseId = communityEventIdOf(h);
    const first = await onRecord(h);
    await actOnCommunityEvent(h, 'submitPlan', csr, { plan: '初稿' });
    expect(await rejectionOf(actOnCommunityEvent(h, 'reviewPlan', supervisor, { approved: false }))).toBe('InvalidInput');
    let view = await actOnCommunityEvent(h, 'reviewPlan', supervisor, { approved: false, comments: '预算过高' });
    expect(view.stage).toBe('drafting');
    await system().env.sleep(2 * HOUR);
    await actOnCommunityEvent(h, 'submitPlan', csr, { plan: '二稿' });
    await actOnCommunityEvent(h, 'reviewPlan', supervisor, { approved: true });
    view = await actOnCommunityEvent(h, 'approvePlan', executive, { approved: false, comments: '增加安全预案' });
    expect(view.stage).toBe('drafting');
    await actOnCommunityEvent(h, 'submitPlan', csr, { plan: '三稿，含安全预案' });
    await actOnCommunityEvent(h, 'reviewPlan', supervisor, { approved: true });
    view = await actOnCommunityEvent(h, 'approvePlan', executive, { approved: true });
    expect([view.stage, view.plan, view.revisions.map((r) => r.level)]).toEqual(['approved', '三稿，含安全预案', ['centre', 'company']]);
    expect(dueOf(view, 'approval')).toBe(dueOf(first, 'approval'));
    const started = (await system().db.deadlineEvent.findMany({ where: { caseId, kind: 'started' } })).map((e) => e.clock).sort();
    expect(started).toEqual(['approval', 'plan']);
    await system().env.client.workflow.getHandle(h.workflowId).terminate('scenario done');
  });
});
