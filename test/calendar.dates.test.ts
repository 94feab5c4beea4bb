/** Deadlines fixed against a date (a plan due a month before its event): the calendar helpers behind them. */
import { BusinessCalendar } from '../workflows/lib/calendar';

const cal = BusinessCalendar.from({ holidays: [], makeUpWorkdays: [] });

describe('date-fixed deadlines', () => {
  it('a local date starts at local midnight (Asia/Shanghai)', () => {
    expect(cal.startOfLocalDate('2026-10-01').toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(() => cal.startOfLocalDate('2026-02-30')).toThrow(RangeError);
  });

  it('a month before the 31st of March is the last day of February', () => {
    expect(cal.formatLocal(cal.addMonths(cal.startOfLocalDate('2026-03-31'), -1))).toBe('2026-02-28 00:00');
    expect(cal.formatLocal(cal.addMonths(cal.startOfLocalDate('2026-01-15'), -1))).toBe('2025-12-15 00:00');
  });

  it('the elapsed rule until an instant never falls due after it, and is at least a minute', () => {
    const from = new Date('2026-11-23T02:00:30.500Z');
    expect(cal.elapsedRuleUntil(from, new Date('2026-11-23T03:00:00Z'))).toBe('59 minutes');
    expect(cal.elapsedRuleUntil(from, new Date('2026-11-20T00:00:00Z'))).toBe('1 minutes');
  });
});
