/**
 * The scenario driver (test/support/timeSkippingDriver.ts) on the real Java
 * time-skipping server: a staff action never reaches a case just as one of its
 * timers fires, results are read without letting the clock run away, and a
 * clock that ran away is reported, not silently used.
 */
import { caseActivityOf, guardMs } from './support/timeSkippingDriver';
import { useTimeSkippingSystem } from './support/temporal';
import { act, caseIdOf, csr, clockEvents, expectSameInstant, MINUTE, openRepair, resultOf } from './support/scenario';

const system = useTimeSkippingSystem();

describe('the scenario driver', () => {
  it("reads a waiting case from its history: nothing outstanding, its one timer due at the 50% warning of the csr's 5-minute service record", async () => {
    const h = await openRepair(system().env);
    const state = await system().env.settle(h.workflowId);
    const opened = (await clockEvents(system().db, caseIdOf(h), 'serviceRecord'))[0]?.at.getTime();
    expect(state.outstanding).toEqual([]);
    expect(state.closed).toBe(false);
    // The server counts a timer from when it records it, a few milliseconds after the workflow task's time.
    expect(state.timers).toHaveLength(1);
    expectSameInstant(new Date(state.timers[0]).toISOString(), new Date(opened + 150_000));
    const history = await h.fetchHistory();
    expect(caseActivityOf(history.events ?? []).timers).toEqual(state.timers);
  });

  it('a skip that stops just before a timer of the case goes on past it, so an action then lands after the warning, not during it', async () => {
    const h = await openRepair(system().env);
    const caseId = caseIdOf(h);
    await system().env.settle(h.workflowId);
    const opened = (await clockEvents(system().db, caseId, 'serviceRecord'))[0]?.at.getTime();
    await system().env.sleep(150_000 - guardMs / 2);
    expect(await system().env.currentTimeMs()).toBeGreaterThan(opened + 150_000);
    expect((await clockEvents(system().db, caseId, 'serviceRecord')).map((e) => e.kind)).toEqual(['started', 'warning']);
    await act(h, 'respondToOwner', csr, { channel: 'phone', note: '已回复' });
    expect((await clockEvents(system().db, caseId, 'response')).map((e) => e.kind)).toEqual(['started', 'met']);
  });

  it('asking for the result of a case still waiting on staff fails at once instead of skipping time to its end', async () => {
    const h = await openRepair(system().env);
    const before = await system().env.currentTimeMs();
    await expect(resultOf(h)).rejects.toThrow(/still running/);
    expect((await system().env.currentTimeMs()) - before).toBeLessThan(MINUTE);
  });

  it('a clock that ran more than a year past where the scenario put it fails the scenario loudly', async () => {
    await system().testEnv.sleep(400 * 86_400_000); // what the testing client's result() does to a waiting case
    await expect(system().env.checkClock()).rejects.toThrow(/more than a year past where the scenario put it/);
    await expect(openRepair(system().env)).rejects.toThrow(/more than a year past/);
    await system().env.placeClockHere();
  });
});
