/**
 * The national holidays and make-up working days (调休) come from the maintained
 * `chinese-days` package under each centre's own calendar; the worker checks at
 * start and every morning that the calendar knows the next 90 days and tells
 * the manager when it does not (DOMAIN.md time rules; issue 14).
 */
import { loadCalendarConfig } from '../config/loadCalendar';
import { nationalCalendar } from '../config/nationalHolidays';
import { createActivities } from '../activities';
import { checkCalendarCoverage } from '../workflows/calendarCoverage/calendarCoverage.messages';
import { BusinessCalendar, type CalendarCoverage } from '../workflows/lib/calendar';
import { localDate, testCalendar } from './support/scenario';
import { taskQueue, useTimeSkippingSystem } from './support/temporal';

const december = new Date('2026-12-03T02:00:00Z');
const inline = (config: object) => ({ CALENDAR_CONFIG_JSON: JSON.stringify(config) });

describe("the national holidays under a centre's calendar", () => {
  it('the national list holds 2026 as the State Council announced it and is known through its last year', () => {
    const national = nationalCalendar(2026);
    expect(national.holidays.filter((d) => d.startsWith('2026-10'))).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']);
    expect(national.makeUpWorkdays).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10']));
    expect(national.coveredThrough).toMatch(/^\d{4}-12-31$/);
  });

  it("a centre's own holiday adds to the national list, and a national holiday the centre works is a working day there", () => {
    const config = loadCalendarConfig(inline({ holidays: ['2026-12-24'], makeUpWorkdays: ['2026-10-07'] }), december);
    const cal = BusinessCalendar.from(config);
    expect(config.holidays).toContain('2026-12-24');
    expect(config.holidays).toContain('2026-10-06');
    expect(config.holidays).not.toContain('2026-10-07');
    expect(cal.isWorkingDay(new Date('2026-12-24T04:00:00Z'))).toBe(false);
    expect(cal.isWorkingDay(new Date('2026-10-07T04:00:00Z'))).toBe(true);
    // A make-up Saturday of the national list the centre takes off stays off.
    const off = loadCalendarConfig(inline({ holidays: ['2026-10-10'] }), december);
    expect(off.makeUpWorkdays).not.toContain('2026-10-10');
    expect(BusinessCalendar.from(off).isWorkingDay(new Date('2026-10-10T04:00:00Z'))).toBe(false);
  });

  it('years before last year are not carried into every case the calendar opens', () => {
    const config = loadCalendarConfig({}, december);
    expect(config.holidays.length).toBeGreaterThan(33);
    expect(config.holidays.every((d) => d >= '2025-01-01')).toBe(true);
    expect(config.makeUpWorkdays.every((d) => d >= '2025-01-01')).toBe(true);
  });

  it('"nationalHolidays": false leaves the centre\'s own days alone; anything but true or false is refused, naming the field', () => {
    const own = loadCalendarConfig(inline({ nationalHolidays: false, holidays: ['2026-12-24'], coveredThrough: '2027-06-30' }), december);
    expect(own.holidays).toEqual(['2026-12-24']);
    expect(own.coveredThrough).toBe('2027-06-30');
    expect(() => loadCalendarConfig(inline({ nationalHolidays: 'yes' }), december)).toThrow(/nationalHolidays: must be true or false/);
  });

  it("a centre that wrote next year's days itself is covered as far as it says", () => {
    const config = loadCalendarConfig(inline({ coveredThrough: '2027-12-31', holidays: ['2027-01-01'] }), december);
    expect(config.coveredThrough).toBe('2027-12-31');
    expect(BusinessCalendar.from(config).coverage(december, 90).covered).toBe(true);
  });
});

describe('checking that the calendar knows the next 90 days', () => {
  it('a calendar that lists holidays only up to a year is covered through its 31 December, and not a day past', () => {
    const cal = BusinessCalendar.from(testCalendar({ holidays: ['2026-10-01'] }));
    expect(cal.coverage(new Date('2026-10-02T02:00:00Z'), 90)).toEqual<CalendarCoverage>({ through: '2026-12-31', needed: '2026-12-31', covered: true });
    expect(cal.coverage(new Date('2026-10-03T02:00:00Z'), 90)).toEqual<CalendarCoverage>({ through: '2026-12-31', needed: '2027-01-01', covered: false });
    expect(BusinessCalendar.from(testCalendar()).coverage(december, 90).covered).toBe(false);
  });

  const system = useTimeSkippingSystem();
  const managerNotices = async () => (await system().db.notification.findMany({ where: { recipient: 'role:manager', key: { startsWith: 'calendarCoverage:' } } })).map((n) => n.text);
  const runCheck = (calendar: object, id: string) =>
    system().env.client.workflow.execute('calendarCoverage', { taskQueue, workflowId: `calendar-coverage-${id}`, args: [{ calendar }] }) as Promise<CalendarCoverage>;

  it('when the next 90 days are not covered, the morning check and the worker at start tell the manager once that day', async () => {
    const now = new Date(await system().env.currentTimeMs());
    const through = localDate(now, 30);
    const calendar = testCalendar({ holidays: [localDate(now, 10)], coveredThrough: through });
    const first = await runCheck(calendar, 'short-1');
    expect(first).toEqual({ through, needed: localDate(now, 90), covered: false });
    const atStart = await checkCalendarCoverage(createActivities(system().db, system().channel), calendar, now);
    expect(atStart.covered).toBe(false);
    await runCheck(calendar, 'short-2');
    const notices = await managerNotices();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`只到 ${through}`);
    expect(notices[0]).toContain(`未来 90 天（至 ${localDate(now, 90)}）尚未覆盖`);
    expect(system().channel.sent.filter((m) => m.recipient === 'role:manager' && m.text.includes('节假日')).length).toBe(1);
    // The next morning, still short: told again.
    await system().env.sleep(24 * 3600_000);
    await runCheck(calendar, 'short-3');
    expect(await managerNotices()).toHaveLength(2);
  });

  it("each centre's calendar is checked on its own: a short one tells the manager which centre, beside the other centre's notice that day", async () => {
    const now = new Date(await system().env.currentTimeMs());
    const short = { holidays: [localDate(now, 10)], coveredThrough: localDate(now, 20) };
    for (const centre of ['north', 'south']) await checkCalendarCoverage(createActivities(system().db, system().channel), testCalendar({ ...short, centre }), now);
    const byCentre = await system().db.notification.findMany({ where: { recipient: 'role:manager', key: { startsWith: 'calendarCoverage-' } }, orderBy: { key: 'asc' } });
    expect(byCentre.map((n) => [n.key.split(':')[0], n.text.slice(0, 15)])).toEqual([
      ['calendarCoverage-north', '服务中心 north：业务日历'],
      ['calendarCoverage-south', '服务中心 south：业务日历'],
    ]);
  });

  it('a calendar that knows the next 90 days sends nothing', async () => {
    const before = (await managerNotices()).length;
    const now = new Date(await system().env.currentTimeMs());
    const covered = await runCheck(testCalendar({ coveredThrough: localDate(now, 90) }), 'covered');
    expect(covered.covered).toBe(true);
    expect(await managerNotices()).toHaveLength(before);
  });
});
