/** The clock model on its own: warnings, breach, escalation levels, pauses. */
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type ClockSpec, collectDue, nextClockEventAt, pauseClock, resumeClock, startClock, stopClock } from '../workflows/lib/clock';

const cal = BusinessCalendar.from({});
const t = (local: string) => new Date(`${local}:00+08:00`).getTime();
const spec = (rule: string, extra: Partial<ClockSpec> = {}): ClockSpec => ({
  name: 'c',
  step: '测试',
  rule,
  owner: 'staff:csr-li',
  warnAt: [0.5, 0.8],
  escalateTo: ['role:supervisor', 'role:manager', 'role:executive'],
  ...extra,
});

describe('a clock', () => {
  it('warns at 50% and 80%, breaches at the due time and escalates one level per further interval, up to the executive', () => {
    const { state } = startClock(cal, 'x', spec('1 hour'), t('2026-11-23T10:00'));
    const events = collectDue(cal, state, t('2026-11-23T20:00'));
    expect(events.map((e) => [e.kind, e.recipient, new Date(e.at).toISOString()])).toEqual([
      ['warning', 'staff:csr-li', new Date(t('2026-11-23T10:30')).toISOString()],
      ['warning', 'staff:csr-li', new Date(t('2026-11-23T10:48')).toISOString()],
      ['breached', 'role:supervisor', new Date(t('2026-11-23T11:00')).toISOString()],
      ['escalated', 'role:manager', new Date(t('2026-11-23T12:00')).toISOString()],
      ['escalated', 'role:executive', new Date(t('2026-11-23T13:00')).toISOString()],
    ]);
    expect(nextClockEventAt(cal, state)).toBeUndefined();
  });

  it('a same-day step escalated every hour reaches the next level an hour after the close, not the next morning', () => {
    const { state } = startClock(cal, 'x', spec('same day', { escalateEvery: '1 hour' }), t('2026-11-20T16:00'));
    const events = collectDue(cal, state, t('2026-11-23T12:00'));
    expect(events.filter((e) => e.kind !== 'warning').map((e) => [e.kind, new Date(e.at).toISOString()])).toEqual([
      ['breached', new Date(t('2026-11-20T17:30')).toISOString()],
      ['escalated', new Date(t('2026-11-20T18:30')).toISOString()],
      ['escalated', new Date(t('2026-11-20T19:30')).toISOString()],
    ]);
  });

  it('a pause reports whatever fell due before it: a warning point passed during a worker outage is not lost', () => {
    const { state } = startClock(cal, 'x', spec('1 hour'), t('2026-11-23T10:00'));
    const events = pauseClock(cal, state, t('2026-11-23T10:40'), '等待业主');
    expect(events.map((e) => e.kind)).toEqual(['warning', 'paused']);
  });

  it('a same-day step paused from Friday 16:00 to Monday 09:00 resumes with its 1.5 business hours left: due Monday 10:30', () => {
    const { state } = startClock(cal, 'x', spec('same day'), t('2026-11-20T14:00'));
    expect(state.dueAt).toBe(t('2026-11-20T17:30'));
    pauseClock(cal, state, t('2026-11-20T16:00'), '业主不在家');
    resumeClock(cal, state, t('2026-11-23T09:00'));
    expect(state.dueAt).toBe(t('2026-11-23T10:30'));
    expect(state.pausedBusinessMs).toBe(2 * 3600_000); // Fri 16:00–17:30 and Mon 08:30–09:00
  });

  it('a pause until an appointment resumes by itself at that time', () => {
    const { state } = startClock(cal, 'x', spec('1 hour'), t('2026-11-23T10:00'));
    pauseClock(cal, state, t('2026-11-23T10:10'), '预约', t('2026-11-24T09:00'));
    expect(nextClockEventAt(cal, state)).toBe(t('2026-11-24T09:00'));
    const events = collectDue(cal, state, t('2026-11-24T09:00'));
    expect(events.map((e) => e.kind)).toEqual(['resumed']);
    expect(state.dueAt).toBe(t('2026-11-24T09:50'));
  });

  it('a step done late is recorded as met after its breach, and then stays quiet', () => {
    const { state } = startClock(cal, 'x', spec('5 minutes'), t('2026-11-23T10:00'));
    const events = stopClock(cal, state, t('2026-11-23T10:07'), 'met');
    expect(events.map((e) => e.kind)).toEqual(['warning', 'warning', 'breached', 'met']);
    expect(state.breached).toBe(true);
    expect(collectDue(cal, state, t('2026-11-24T10:00'))).toEqual([]);
  });

  it('event keys are unique per clock, kind and level, so persisting them twice writes once', () => {
    const { state, events } = startClock(cal, 'case-1:c#1', spec('1 hour'), t('2026-11-23T10:00'));
    const all = [...events, ...collectDue(cal, state, t('2026-11-23T20:00'))];
    expect(new Set(all.map((e) => e.key)).size).toBe(all.length);
  });
});
