/**
 * Business calendar: every expected instant below was worked out by hand from the rules in
 * ../shared/DOMAIN.md ("Time rules") and the 2026 holiday table in config/calendar.json.
 *
 * Handy 2026 facts: 2026-11-20 is a Friday (no holidays in November); 2026-02-14 (Sat) and
 * 2026-09-20 (Sun) are make-up working days; Spring Festival 02-15..02-23; Qingming 04-04..04-06
 * (Sat–Mon); National Day 10-01..10-07. Opening hours 08:30–17:30, so a business day is 9 h.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BusinessCalendar, parseCalendarConfig, parseDueRule } from '../workflows/lib/calendar';
import { loadCalendarConfig } from '../config/loadCalendar';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** An instant written in Shanghai local time, e.g. t('2026-11-20 16:00'). */
function t(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+08:00`);
}

/** Compare instants, showing both in ISO on failure. */
function expectAt(actual: Date, expectedLocal: string): void {
  expect(actual).toBeInstanceOf(Date);
  expect(actual.toISOString()).toBe(t(expectedLocal).toISOString());
}


/** The shipped 2026 calendar (default file, no env overrides). */
const cal = BusinessCalendar.from(loadCalendarConfig({}));
/** Plain Mon–Fri 08:30–17:30 calendar without holidays. */
const plain = BusinessCalendar.from({});

describe('due rules are parsed the way the manuals write them', () => {
  it.each([
    ['5 minutes', { kind: 'elapsed', ms: 300_000 }],
    ['1 minute', { kind: 'elapsed', ms: 60_000 }],
    ['1 hour', { kind: 'elapsed', ms: 3_600_000 }],
    ['24 hours', { kind: 'elapsed', ms: 86_400_000 }],
    ['2 days', { kind: 'elapsed', ms: 172_800_000 }],
    ['3 days', { kind: 'elapsed', ms: 259_200_000 }],
    ['7 days', { kind: 'elapsed', ms: 604_800_000 }],
    ['1 week', { kind: 'elapsed', ms: 604_800_000 }],
    ['1 month', { kind: 'elapsedMonths', months: 1 }],
    ['same day', { kind: 'sameDay' }],
    ['1 working day', { kind: 'workingDays', days: 1 }],
    ['3 working days', { kind: 'workingDays', days: 3 }],
    ['  Same   Day ', { kind: 'sameDay' }],
  ])('"%s" parses', (text, parsed) => {
    expect(parseDueRule(text)).toEqual(parsed);
  });

  it.each(['tomorrow', '', '0 minutes', '1.5 hours', '-1 days', '2 fortnights', 'working day'])(
    'unknown rule "%s" throws an error naming the text',
    (text) => {
      expect(() => parseDueRule(text)).toThrow(`"${text}"`);
    },
  );

  it('minutes, hours, days and months are wall-clock; same day and working days are business time', () => {
    expect(cal.basisOf('5 minutes')).toBe('wall');
    expect(cal.basisOf('2 days')).toBe('wall');
    expect(cal.basisOf('1 month')).toBe('wall');
    expect(cal.basisOf('same day')).toBe('business');
    expect(cal.basisOf('1 working day')).toBe('business');
    expect(cal.basisOf({ kind: 'workingDays', days: 2 })).toBe('business');
  });
});

describe('wall-clock deadlines ignore opening hours and holidays', () => {
  it('a repair registered at 16:58 on Friday must be dispatched by 17:03, even after closing', () => {
    expectAt(cal.due(t('2026-11-20 16:58'), '5 minutes'), '2026-11-20 17:03');
  });

  it('an owner who reports at 17:00 on Friday hears back by 18:00', () => {
    expectAt(cal.due(t('2026-11-20 17:00'), '1 hour'), '2026-11-20 18:00');
  });

  it('a rework promised within 24 hours on Saturday 10:00 is due Sunday 10:00', () => {
    expectAt(cal.due(t('2026-11-21 10:00'), '24 hours'), '2026-11-22 10:00');
  });

  it('a job completed Friday 16:00 needs its return visit ("2 days") by Sunday 16:00', () => {
    expectAt(cal.due(t('2026-11-20 16:00'), '2 days'), '2026-11-22 16:00');
  });

  it('a complaint transferred on 2026-09-28 09:00 is due in 3 days even though National Day starts', () => {
    expectAt(cal.due(t('2026-09-28 09:00'), '3 days'), '2026-10-01 09:00');
  });

  it('an event summary for an event ending Friday 20:00 is due 7 days later', () => {
    expectAt(cal.due(t('2026-11-20 20:00'), '7 days'), '2026-11-27 20:00');
    expectAt(cal.due(t('2026-11-20 20:00'), '1 week'), '2026-11-27 20:00');
  });

  it('accepts epoch milliseconds as well as Dates and always returns a Date', () => {
    expectAt(cal.due(t('2026-11-20 16:00').getTime(), '1 hour'), '2026-11-20 17:00');
  });

  it('the allowed time of a wall rule is its length in wall milliseconds', () => {
    expect(cal.allowedMs(t('2026-11-20 16:58'), '5 minutes')).toBe(5 * MIN);
    expect(cal.allowedMs(t('2026-11-20 16:00'), '2 days')).toBe(48 * HOUR);
  });
});

describe('"1 month" keeps the local date and time, clamped to the end of shorter months', () => {
  it('return visits for an event on 2026-03-15 10:00 are due 2026-04-15 10:00', () => {
    expectAt(cal.due(t('2026-03-15 10:00'), '1 month'), '2026-04-15 10:00');
  });

  it('an event on 31 January is followed up by 28 February (2026 is not a leap year)', () => {
    expectAt(cal.due(t('2026-01-31 10:00'), '1 month'), '2026-02-28 10:00');
    expect(cal.allowedMs(t('2026-01-31 10:00'), '1 month')).toBe(28 * 24 * HOUR);
  });

  it('31 January 2028 plus a month is 29 February 2028 (leap year)', () => {
    expectAt(cal.due(t('2028-01-31 10:00'), '1 month'), '2028-02-29 10:00');
  });

  it('31 August plus a month is 30 September', () => {
    expectAt(cal.due(t('2026-08-31 15:00'), '1 month'), '2026-09-30 15:00');
  });

  it('31 December 23:00 plus a month rolls into next year', () => {
    expectAt(cal.due(t('2026-12-31 23:00'), '1 month'), '2027-01-31 23:00');
  });

  it('uses the local date, not the UTC date (05:00 on 31 March is still 30 March in UTC)', () => {
    expectAt(cal.due(t('2026-03-31 05:00'), '1 month'), '2026-04-30 05:00');
  });

  it('"2 months" from 31 December lands on the last day of February', () => {
    expectAt(cal.due(t('2026-12-31 09:00'), '2 months'), '2027-02-28 09:00');
  });
});

describe('"same day" means the close of the business day that counts for the arrival', () => {
  it('a complaint logged at 10:15 on a Wednesday is due by 17:30 that day', () => {
    expectAt(cal.due(t('2026-11-18 10:15'), 'same day'), '2026-11-18 17:30');
  });

  it('a complaint logged exactly at opening is due by 17:30 that day', () => {
    expectAt(cal.due(t('2026-11-18 08:30'), 'same day'), '2026-11-18 17:30');
  });

  it('a key loan at 07:00 (before opening) is due back by 17:30 that day', () => {
    expectAt(cal.due(t('2026-11-18 07:00'), 'same day'), '2026-11-18 17:30');
  });

  it('a complaint logged at 18:00 on Wednesday (after close) is due by the end of Thursday', () => {
    expectAt(cal.due(t('2026-11-18 18:00'), 'same day'), '2026-11-19 17:30');
  });

  it('a complaint logged exactly at 17:30 counts as after close', () => {
    expectAt(cal.due(t('2026-11-18 17:30'), 'same day'), '2026-11-19 17:30');
  });

  it('a complaint logged at 20:00 on Friday is due by the end of Monday', () => {
    expectAt(cal.due(t('2026-11-20 20:00'), 'same day'), '2026-11-23 17:30');
  });

  it('a complaint logged on Saturday morning is due by the end of Monday', () => {
    expectAt(cal.due(t('2026-11-21 11:00'), 'same day'), '2026-11-23 17:30');
  });

  it('a complaint logged Friday 2026-09-18 20:00 is due on the make-up Sunday 2026-09-20 at 17:30', () => {
    expectAt(cal.due(t('2026-09-18 20:00'), 'same day'), '2026-09-20 17:30');
  });

  it('a complaint logged on the eve of National Day is due when the centre reopens on 2026-10-08', () => {
    expectAt(cal.due(t('2026-09-30 19:00'), 'same day'), '2026-10-08 17:30');
  });

  it('a complaint logged during Spring Festival is due at the end of the first working day after it', () => {
    expectAt(cal.due(t('2026-02-18 10:00'), 'same day'), '2026-02-24 17:30');
  });

  it('an archive loan on the make-up Saturday 2026-02-14 at 10:00 is due back 17:30 that Saturday', () => {
    expectAt(cal.due(t('2026-02-14 10:00'), 'same day'), '2026-02-14 17:30');
  });

  it('a complaint logged Friday 2026-02-13 19:00 is due on the make-up Saturday', () => {
    expectAt(cal.due(t('2026-02-13 19:00'), 'same day'), '2026-02-14 17:30');
  });

  it('a complaint logged on Qingming Friday evening 2026-04-03 is due Tuesday 2026-04-07', () => {
    expectAt(cal.due(t('2026-04-03 18:00'), 'same day'), '2026-04-07 17:30');
  });

  it('a complaint on New Year\'s Eve after close is due on the make-up Sunday 2026-01-04', () => {
    expectAt(cal.due(t('2025-12-31 18:00'), 'same day'), '2026-01-04 17:30');
  });

  it('allows the rest of the day, or a whole business day when it arrives outside hours', () => {
    expect(cal.allowedMs(t('2026-11-18 10:00'), 'same day')).toBe(7.5 * HOUR);
    expect(cal.allowedMs(t('2026-11-20 20:00'), 'same day')).toBe(9 * HOUR);
  });
});

describe('"N working days" adds whole business days of opening hours', () => {
  it('a rework found Friday 10:00 with "1 working day" is due Monday 10:00', () => {
    expectAt(cal.due(t('2026-11-20 10:00'), '1 working day'), '2026-11-23 10:00');
  });

  it('a rework found Friday 20:00 is due at the end of Monday', () => {
    expectAt(cal.due(t('2026-11-20 20:00'), '1 working day'), '2026-11-23 17:30');
  });

  it('a rework found at Friday opening is due at Friday close (a full business day)', () => {
    expectAt(cal.due(t('2026-11-20 08:30'), '1 working day'), '2026-11-20 17:30');
  });

  it('a rework found Friday 10:00 with a holiday on Monday is due Tuesday 10:00', () => {
    const withMondayHoliday = BusinessCalendar.from({ holidays: ['2026-11-23'] });
    expectAt(withMondayHoliday.due(t('2026-11-20 10:00'), '1 working day'), '2026-11-24 10:00');
  });

  it('a rework found Friday 2026-04-03 16:00 before Qingming (04-04..04-06) is due Tuesday 04-07 16:00', () => {
    // Friday 16:00–17:30 uses 1.5 h; the remaining 7.5 h run Tuesday 08:30–16:00.
    expectAt(cal.due(t('2026-04-03 16:00'), '1 working day'), '2026-04-07 16:00');
  });

  it('a rework found Friday 2026-02-13 16:00 is due on the make-up Saturday 02-14 at 16:00', () => {
    expectAt(cal.due(t('2026-02-13 16:00'), '1 working day'), '2026-02-14 16:00');
  });

  it('a rework found Friday 2026-09-18 20:00 is due at the end of the make-up Sunday 09-20', () => {
    expectAt(cal.due(t('2026-09-18 20:00'), '1 working day'), '2026-09-20 17:30');
  });

  it('"3 working days" from Friday 10:00 is Wednesday 10:00', () => {
    expectAt(cal.due(t('2026-11-20 10:00'), '3 working days'), '2026-11-25 10:00');
  });

  it('"2 working days" from Wednesday 2026-09-23 14:00 skips the Mid-Autumn holiday to Monday 09-28 14:00', () => {
    // Wed 3.5 h + Thu 9 h = 12.5 h; Fri–Sun holiday; Mon 08:30 + 5.5 h = 14:00.
    expectAt(cal.due(t('2026-09-23 14:00'), '2 working days'), '2026-09-28 14:00');
  });

  it('the allowed time of "1 working day" is always 9 business hours', () => {
    expect(cal.allowedMs(t('2026-11-20 10:00'), '1 working day')).toBe(9 * HOUR);
    expect(cal.allowedMs(t('2026-11-20 20:00'), '1 working day')).toBe(9 * HOUR);
    expect(cal.allowedMs(t('2026-04-03 16:00'), '1 working day')).toBe(9 * HOUR);
  });

  it('accepts an already parsed rule', () => {
    expectAt(cal.due(t('2026-11-20 10:00'), parseDueRule('1 working day')), '2026-11-23 10:00');
  });
});

describe('working days and opening hours', () => {
  it.each([
    ['2026-11-18 12:00', true], // Wednesday
    ['2026-11-21 12:00', false], // Saturday
    ['2026-11-22 12:00', false], // Sunday
    ['2026-02-14 12:00', true], // make-up Saturday
    ['2026-02-15 12:00', false], // Spring Festival, Sunday
    ['2026-02-23 12:00', false], // Spring Festival, Monday
    ['2026-02-28 12:00', true], // make-up Saturday
    ['2026-04-06 12:00', false], // Qingming Monday
    ['2026-05-09 12:00', true], // make-up Saturday
    ['2026-09-20 12:00', true], // make-up Sunday
    ['2026-10-07 12:00', false], // National Day, Wednesday
    ['2026-10-10 12:00', true], // make-up Saturday
    ['2026-01-04 12:00', true], // make-up Sunday
  ])('%s is a working day: %s', (local, expected) => {
    expect(cal.isWorkingDay(t(local))).toBe(expected);
  });

  it('decides the day by local time: Monday 00:30 in Shanghai is still Sunday in UTC', () => {
    expect(cal.isWorkingDay(t('2026-11-23 00:30'))).toBe(true);
    expect(cal.isWorkingDay(t('2026-11-21 07:00'))).toBe(false); // Saturday local, Friday in UTC
  });

  it('is open from 08:30 inclusive to 17:30 exclusive on working days', () => {
    expect(cal.isOpen(new Date(t('2026-11-18 08:30').getTime() - 1))).toBe(false);
    expect(cal.isOpen(t('2026-11-18 08:30'))).toBe(true);
    expect(cal.isOpen(new Date(t('2026-11-18 17:30').getTime() - 1))).toBe(true);
    expect(cal.isOpen(t('2026-11-18 17:30'))).toBe(false);
    expect(cal.isOpen(t('2026-11-21 10:00'))).toBe(false);
    expect(cal.isOpen(t('2026-02-14 10:00'))).toBe(true);
    expect(cal.isOpen(t('2026-10-01 10:00'))).toBe(false);
  });

  it('the next opening is the instant itself when open', () => {
    expectAt(cal.nextOpening(t('2026-11-18 11:11')), '2026-11-18 11:11');
  });

  it('the next opening before 08:30 is 08:30 the same day', () => {
    expectAt(cal.nextOpening(t('2026-11-18 07:00')), '2026-11-18 08:30');
  });

  it('the next opening at Friday close is Monday 08:30', () => {
    expectAt(cal.nextOpening(t('2026-11-20 17:30')), '2026-11-23 08:30');
  });

  it('the next opening on Qingming Friday evening is Tuesday 08:30', () => {
    expectAt(cal.nextOpening(t('2026-04-03 18:00')), '2026-04-07 08:30');
  });

  it('end of business day for a Saturday arrival is Monday 17:30', () => {
    expectAt(cal.endOfBusinessDay(t('2026-11-21 09:00')), '2026-11-23 17:30');
  });
});

describe('businessMsBetween counts only opening hours on working days', () => {
  it('within one morning: 09:00 to 12:00 is 3 hours', () => {
    expect(cal.businessMsBetween(t('2026-11-18 09:00'), t('2026-11-18 12:00'))).toBe(3 * HOUR);
  });

  it('Friday 16:00 to Monday 10:00 is 3 business hours', () => {
    expect(cal.businessMsBetween(t('2026-11-20 16:00'), t('2026-11-23 10:00'))).toBe(3 * HOUR);
  });

  it('a full week Monday 00:00 to Monday 00:00 is 45 business hours', () => {
    expect(cal.businessMsBetween(t('2026-11-23 00:00'), t('2026-11-30 00:00'))).toBe(45 * HOUR);
  });

  it('across National Day: Wednesday 09-30 17:00 to Thursday 10-08 09:00 is 1 business hour', () => {
    expect(cal.businessMsBetween(t('2026-09-30 17:00'), t('2026-10-08 09:00'))).toBe(1 * HOUR);
  });

  it('counts the make-up Sunday: Friday 09-18 17:00 to Monday 09-21 09:00 is 10 business hours', () => {
    expect(cal.businessMsBetween(t('2026-09-18 17:00'), t('2026-09-21 09:00'))).toBe(10 * HOUR);
  });

  it('an evening outside hours is worth nothing', () => {
    expect(cal.businessMsBetween(t('2026-11-18 18:00'), t('2026-11-18 23:00'))).toBe(0);
  });

  it('is 0 when the end is not after the start', () => {
    expect(cal.businessMsBetween(t('2026-11-18 12:00'), t('2026-11-18 12:00'))).toBe(0);
    expect(cal.businessMsBetween(t('2026-11-18 12:00'), t('2026-11-18 09:00'))).toBe(0);
  });
});

describe('addBusinessMs edge cases', () => {
  it('adding 0 outside hours gives the next opening', () => {
    expectAt(cal.addBusinessMs(t('2026-11-20 20:00'), 0), '2026-11-23 08:30');
  });

  it('adding 0 inside hours gives the same instant', () => {
    expectAt(cal.addBusinessMs(t('2026-11-18 10:00'), 0), '2026-11-18 10:00');
  });

  it('landing exactly on close stays at close of that day', () => {
    expectAt(cal.addBusinessMs(t('2026-11-18 16:30'), HOUR), '2026-11-18 17:30');
  });

  it('one millisecond past close carries over to the next opening', () => {
    expect(cal.addBusinessMs(t('2026-11-18 16:30'), HOUR + 1).toISOString()).toBe(
      new Date(t('2026-11-19 08:30').getTime() + 1).toISOString(),
    );
  });

  it('starting exactly at close counts from the next morning', () => {
    expectAt(cal.addBusinessMs(t('2026-11-18 17:30'), HOUR), '2026-11-19 09:30');
  });

  it('starting before opening counts from 08:30', () => {
    expectAt(cal.addBusinessMs(t('2026-11-18 06:00'), 2 * HOUR), '2026-11-18 10:30');
  });

  it('90 business hours from Monday 08:30 end at the close of the second Friday', () => {
    expectAt(cal.addBusinessMs(t('2026-11-23 08:30'), 90 * HOUR), '2026-12-04 17:30');
  });

  it('is the inverse of businessMsBetween', () => {
    for (const ms of [0, 1, 90 * MIN, 9 * HOUR, 9 * HOUR + 1, 40 * HOUR]) {
      const start = t('2026-09-24 15:00');
      expect(cal.businessMsBetween(start, cal.addBusinessMs(start, ms))).toBe(ms);
    }
  });

  it('rejects negative or non-finite durations and invalid dates', () => {
    expect(() => cal.addBusinessMs(t('2026-11-18 10:00'), -1)).toThrow(RangeError);
    expect(() => cal.addBusinessMs(t('2026-11-18 10:00'), Number.NaN)).toThrow(RangeError);
    expect(() => cal.addBusinessMs(new Date('not a date'), 0)).toThrow(RangeError);
  });
});

describe('warning points at fractions of the allowed time', () => {
  it('80% of a same-day deadline started at 08:30 is 15:42', () => {
    const start = t('2026-11-18 08:30');
    const allowed = cal.allowedMs(start, 'same day');
    expect(allowed).toBe(9 * HOUR);
    expectAt(cal.addInBasis(start, allowed * 0.8, cal.basisOf('same day')), '2026-11-18 15:42');
  });

  it('50% of a same-day deadline started at 08:30 is 13:00', () => {
    const start = t('2026-11-18 08:30');
    expectAt(cal.addInBasis(start, cal.allowedMs(start, 'same day') * 0.5, 'business'), '2026-11-18 13:00');
  });

  it('80% of a same-day deadline for a complaint logged Friday 20:00 is Monday 15:42', () => {
    const start = t('2026-11-20 20:00');
    expectAt(cal.addInBasis(start, cal.allowedMs(start, 'same day') * 0.8, 'business'), '2026-11-23 15:42');
  });

  it('80% of "1 working day" from Friday 16:00 is Monday 14:12', () => {
    // 7.2 h: Friday 1.5 h, then 5 h 42 min from Monday 08:30.
    const start = t('2026-11-20 16:00');
    expectAt(cal.addInBasis(start, cal.allowedMs(start, '1 working day') * 0.8, 'business'), '2026-11-23 14:12');
  });

  it('80% of a 1-hour call-back from 17:00 is 17:48 wall-clock time', () => {
    const start = t('2026-11-20 17:00');
    expectAt(cal.addInBasis(start, cal.allowedMs(start, '1 hour') * 0.8, cal.basisOf('1 hour')), '2026-11-20 17:48');
  });

  it('80% of a 2-day return visit from Friday 16:00 is Sunday 06:24', () => {
    const start = t('2026-11-20 16:00');
    expectAt(cal.addInBasis(start, cal.allowedMs(start, '2 days') * 0.8, 'wall'), '2026-11-22 06:24');
  });
});

describe('pausing and resuming a clock', () => {
  it('a same-day clock paused at 11:00 with 6.5 h left and resumed Thursday 16:00 is due Friday 13:30', () => {
    const remaining = cal.msInBasis(t('2026-11-18 11:00'), t('2026-11-18 17:30'), 'business');
    expect(remaining).toBe(6.5 * HOUR);
    expectAt(cal.addInBasis(t('2026-11-19 16:00'), remaining, 'business'), '2026-11-20 13:30');
  });

  it('a 24-hour clock paused after 6 h and resumed Saturday 09:00 is due Sunday 03:00', () => {
    const remaining = cal.msInBasis(t('2026-11-20 16:00'), t('2026-11-21 10:00'), 'wall');
    expect(remaining).toBe(18 * HOUR);
    expectAt(cal.addInBasis(t('2026-11-21 09:00'), remaining, 'wall'), '2026-11-22 03:00');
  });

  it('nothing remains on an overdue clock, in either basis', () => {
    expect(cal.msInBasis(t('2026-11-18 18:00'), t('2026-11-18 17:30'), 'wall')).toBe(0);
    expect(cal.msInBasis(t('2026-11-18 18:00'), t('2026-11-18 17:30'), 'business')).toBe(0);
  });
});

describe('formatLocal writes local time for Chinese notification texts', () => {
  it('formats as YYYY-MM-DD HH:mm in Shanghai time', () => {
    expect(cal.formatLocal(t('2026-02-14 08:05'))).toBe('2026-02-14 08:05');
    expect(cal.formatLocal(new Date('2026-11-20T16:00:00Z'))).toBe('2026-11-21 00:00');
    expect(cal.formatLocal(Date.parse('2026-11-20T09:30:00+08:00'))).toBe('2026-11-20 09:30');
  });
});

describe('other offsets are honoured', () => {
  it('a UTC−5 centre: Saturday 03:00 UTC is still Friday 22:00 locally, next opening Monday 08:30 local', () => {
    const ny = BusinessCalendar.from({ timezone: 'Etc/GMT+5', utcOffsetMinutes: -300 });
    const instant = new Date('2026-11-21T03:00:00Z');
    expect(ny.isWorkingDay(instant)).toBe(true);
    expect(ny.isOpen(instant)).toBe(false);
    expect(ny.nextOpening(instant).toISOString()).toBe('2026-11-23T13:30:00.000Z');
    expect(ny.formatLocal(instant)).toBe('2026-11-20 22:00');
  });

  it('custom hours change the length of a working day', () => {
    const short = BusinessCalendar.from({ open: '09:00', close: '12:00' });
    expect(short.businessDayMs).toBe(3 * HOUR);
    expectAt(short.due(t('2026-11-20 11:00'), '1 working day'), '2026-11-23 11:00');
  });
});

describe('calendar configuration validation', () => {
  it('an empty config gets the defaults', () => {
    expect(plain.config).toEqual({
      timezone: 'Asia/Shanghai',
      utcOffsetMinutes: 480,
      open: '08:30',
      close: '17:30',
      restDays: [0, 6],
      holidays: [],
      makeUpWorkdays: [],
    });
  });

  it.each([['8:30'], ['24:00'], ['08:60'], ['0830']])('rejects the opening time "%s"', (open) => {
    expect(() => BusinessCalendar.from({ open })).toThrow(/open: must be a time of day "HH:MM"/);
  });

  it('rejects an opening time after the closing time', () => {
    expect(() => BusinessCalendar.from({ open: '18:00', close: '09:00' })).toThrow(
      /opening time 18:00 must be before closing time 09:00/,
    );
  });

  it('rejects equal opening and closing times', () => {
    expect(() => BusinessCalendar.from({ open: '09:00', close: '09:00' })).toThrow(/must be before/);
  });

  it('rejects an unknown key such as "_source"', () => {
    expect(() => BusinessCalendar.from({ _source: 'State Council notice' })).toThrow(/_source/);
  });

  it('rejects a date that is both a holiday and a make-up working day', () => {
    expect(() =>
      BusinessCalendar.from({ holidays: ['2026-10-01'], makeUpWorkdays: ['2026-10-01'] }),
    ).toThrow(/2026-10-01 is listed both as a holiday and as a make-up working day/);
  });

  it('rejects malformed and impossible dates', () => {
    expect(() => BusinessCalendar.from({ holidays: ['2026-2-1'] })).toThrow(/holidays\.0: must be a real calendar date/);
    expect(() => BusinessCalendar.from({ makeUpWorkdays: ['2026-02-30'] })).toThrow(/makeUpWorkdays\.0/);
  });

  it('rejects weekday numbers outside 0..6 and non-integer offsets', () => {
    expect(() => BusinessCalendar.from({ restDays: [7] })).toThrow(/restDays\.0/);
    expect(() => BusinessCalendar.from({ utcOffsetMinutes: 480.5 })).toThrow(/utcOffsetMinutes/);
  });

  it('lists every problem at once and names the source', () => {
    let message = '';
    try {
      parseCalendarConfig({ open: 'x', close: 'y', extra: 1 }, 'unit test');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('(unit test)');
    expect(message).toMatch(/open:/);
    expect(message).toMatch(/close:/);
    expect(message).toMatch(/extra/);
  });

  it('the constructor validates too', () => {
    expect(() => new BusinessCalendar({ ...plain.config, open: '25:00' })).toThrow(/open/);
  });

  it('a calendar in which every day is a rest day gives up instead of looping forever', () => {
    const never = BusinessCalendar.from({ restDays: [0, 1, 2, 3, 4, 5, 6] });
    expect(() => never.nextOpening(t('2026-11-18 10:00'))).toThrow(/no working day within 400 days/);
    expect(() => never.due(t('2026-11-18 10:00'), '1 working day')).toThrow(/no working day/);
  });

  it('a make-up day still works in a calendar where every weekday is rest', () => {
    const once = BusinessCalendar.from({ restDays: [0, 1, 2, 3, 4, 5, 6], makeUpWorkdays: ['2026-12-01'] });
    expectAt(once.nextOpening(t('2026-11-18 10:00')), '2026-12-01 08:30');
  });
});

describe('the shipped config/calendar.json', () => {
  it("holds the centre's hours and, from the national list, the 2026 holidays and make-up days", () => {
    const config = loadCalendarConfig({}, new Date('2026-12-03T00:00:00Z'));
    expect(config.timezone).toBe('Asia/Shanghai');
    expect(config.utcOffsetMinutes).toBe(480);
    expect(config.open).toBe('08:30');
    expect(config.close).toBe('17:30');
    expect(config.restDays).toEqual([0, 6]);
    // 3 + 9 + 3 + 5 + 3 + 3 + 7 holiday days
    expect(config.holidays.filter((d) => d.startsWith('2026'))).toHaveLength(33);
    expect(config.makeUpWorkdays.filter((d) => d.startsWith('2026'))).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(config.holidays).toEqual(expect.arrayContaining(['2026-02-15', '2026-02-23', '2026-05-05', '2026-10-07']));
    expect(config.coveredThrough).toBe('2026-12-31');
  });
});

describe('loading the calendar configuration', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calendar-test-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  function writeConfig(name: string, content: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  it('without env variables it reads config/calendar.json', () => {
    const config = loadCalendarConfig({}, new Date('2026-12-03T00:00:00Z'));
    expect(config.holidays).toContain('2026-10-01');
  });

  it('inline JSON in CALENDAR_CONFIG_JSON wins over CALENDAR_CONFIG_FILE', () => {
    const file = writeConfig('seven.json', JSON.stringify({ open: '07:00' }));
    const config = loadCalendarConfig({ CALENDAR_CONFIG_JSON: '{"open":"09:00","nationalHolidays":false}', CALENDAR_CONFIG_FILE: file });
    expect(config.open).toBe('09:00');
    expect(config.holidays).toEqual([]);
  });

  it('CALENDAR_CONFIG_FILE is used when there is no inline JSON (blank counts as none)', () => {
    const file = writeConfig('seven-again.json', JSON.stringify({ open: '07:00' }));
    expect(loadCalendarConfig({ CALENDAR_CONFIG_FILE: file }).open).toBe('07:00');
    expect(loadCalendarConfig({ CALENDAR_CONFIG_JSON: '  ', CALENDAR_CONFIG_FILE: file }).open).toBe('07:00');
  });

  it('invalid inline JSON is reported with its source', () => {
    expect(() => loadCalendarConfig({ CALENDAR_CONFIG_JSON: '{open:' })).toThrow(/CALENDAR_CONFIG_JSON.*not valid JSON/);
  });

  it('an invalid config in a file lists the issues and names the file', () => {
    const file = writeConfig('bad.json', JSON.stringify({ open: '18:00', close: '09:00', colour: 'red' }));
    let message = '';
    try {
      loadCalendarConfig({ CALENDAR_CONFIG_FILE: file });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(file);
    expect(message).toContain('colour');
    expect(message).toContain('opening time 18:00 must be before closing time 09:00');
  });

  it('a missing file is reported with its path', () => {
    const file = path.join(dir, 'does-not-exist.json');
    expect(() => loadCalendarConfig({ CALENDAR_CONFIG_FILE: file })).toThrow(file);
  });
});
