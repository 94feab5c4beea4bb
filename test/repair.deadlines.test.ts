import { startTimeSkippingSystem, type TimeSkippingSystem } from './support/temporal';
import {
  act,
  caseIdOf,
  clockTo,
  deadlineEvents,
  eventually,
  expectSameInstant,
  fridayLocal,
  local,
  localDate,
  nextLocal,
  openRepair,
  stateOf,
  technician,
  csr,
  testCalendar,
} from './support/scenario';

let sys: TimeSkippingSystem;
beforeAll(async () => {
  sys = await startTimeSkippingSystem();
});
afterAll(async () => {
  await sys?.teardown();
});

describe('repair deadlines', () => {
  it('a job completed Friday 16:00 has its return visit due Sunday 16:00', async () => {
      const friday9 = await nextLocal(sys.env, fridayLocal, '09:00');
      await clockTo(sys.env, friday9);
      const h = await openRepair(sys.env);
      await act(h, 'respondToOwner', csr, { channel: 'phone', note: '已回电' });
      await act(h, 'takeJob', technician, {});
      const friday16 = new Date(friday9.getTime() + 7 * 3600_000);
      await clockTo(sys.env, friday16);
      const view = await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] });
      expect(view.stage).toBe('awaitingReturnVisit');
      const rv = view.clocks.find((c) => c.name === 'returnVisit');
      expectSameInstant(rv?.dueAt, local(`${localDate(friday16, 2)}T16:00`));
  });

  it('a rework found Friday after hours is due at the end of Monday', async () => {
      const h = await openRepair(sys.env);
      await act(h, 'takeJob', technician, {});
      await act(h, 'reportCompletion', technician, { workDone: '更换阀芯', charges: [] });
      const friday20 = await nextLocal(sys.env, fridayLocal, '20:00');
      await clockTo(sys.env, friday20);
      const view = await act(h, 'recordReturnVisit', csr, { satisfied: false, rating: 2, problemFound: true, note: '仍漏水' });
      expect(view.stage).toBe('rework');
      expect(view.clocks.find((c) => c.name === 'rework')?.dueAt).toBe(local(`${localDate(friday20, 3)}T17:30`).toISOString());
  });

  it('a job no technician takes within 5 minutes warns at 50% and 80%, then escalates to the supervisor', async () => {
      const h = await openRepair(sys.env);
      const caseId = caseIdOf(h);
      await sys.env.sleep(5 * 60_000 + 1_000);
      const events = await eventually(async () => {
        const e = await deadlineEvents(sys.db, caseId, 'dispatch');
        return e.some((x) => x.kind === 'breached') ? e : undefined;
      });
      const kinds = events.map((e) => e.kind);
      const opened = (events[0] as { at: Date }).at.getTime();
      expect(kinds).toEqual(['started', 'warning', 'warning', 'breached']);
      const breach = events.find((e) => e.kind === 'breached');
      expect(breach?.recipient).toBe('role:supervisor');
      expect(breach?.at.getTime()).toBe(opened + 5 * 60_000);
      expect(events[1]?.at.getTime()).toBe(opened + 150_000);
      expect(events[2]?.at.getTime()).toBe(opened + 240_000);
      const msg = sys.channel.sent.find((m) => m.caseId === caseId && m.recipient === 'role:supervisor' && m.text.includes('派工接单'));
      expect(msg?.text).toContain('超时');
      expect((await stateOf(h)).breached).toBe(true);
  });
});
