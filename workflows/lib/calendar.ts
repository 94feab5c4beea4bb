/**
 * Business calendar of the property service centre (see ../shared/DOMAIN.md, "Time rules").
 *
 * Pure and deterministic so Temporal workflow code can import it: no Node built-ins, no clock
 * reads (`Date.now()`, argument-less `new Date()`), no randomness, no dependency except zod.
 *
 * Model
 * - All arithmetic uses a fixed UTC offset (`utcOffsetMinutes`); `timezone` is descriptive only.
 *   Asia/Shanghai has no DST, so a fixed +08:00 is exact there.
 * - A local day is a working day when it is (not a weekly rest day AND not a holiday) OR a make-up
 *   working day (调休).
 * - Opening hours are the half-open interval [open, close): at exactly `close` the centre is
 *   closed. A business-time computation that lands exactly on `close` stays there, though.
 * - Deadlines are either wall-clock ("5 minutes", "2 days", "1 month") or business-time
 *   ("same day", "N working days"); see `parseDueRule` and `BusinessCalendar.due`.
 *
 * Every millisecond constant of the project lives in this file.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Millisecond constants
// ---------------------------------------------------------------------------------------------

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;
export const MS_PER_WEEK = 7 * MS_PER_DAY;

/** Stop searching for a working day after this many consecutive non-working days. */
export const MAX_NON_WORKING_DAYS = 400;

/** 1970-01-01 (epoch day 0) was a Thursday. */
const EPOCH_DAY_WEEKDAY = 4;

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch day number of a 'YYYY-MM-DD' string, or undefined when it is not a real calendar date. */
export function dayNumberOfDateString(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
    return undefined;
  }
  return ms / MS_PER_DAY;
}

/** Minutes after midnight of an 'HH:MM' string (assumes it matches TIME_RE). */
function minutesOfTime(text: string): number {
  const m = TIME_RE.exec(text);
  if (!m) throw new Error(`Invalid time "${text}": expected HH:MM (00:00–23:59)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const timeOfDaySchema = z
  .string()
  .regex(TIME_RE, { message: 'must be a time of day "HH:MM" between 00:00 and 23:59' });

const localDateSchema = z
  .string()
  .refine((s) => dayNumberOfDateString(s) !== undefined, {
    message: 'must be a real calendar date "YYYY-MM-DD"',
  });

export const calendarConfigSchema = z
  .strictObject({
    /** IANA name, descriptive only: arithmetic uses `utcOffsetMinutes`. */
    timezone: z.string().min(1, { message: 'must not be empty' }).default('Asia/Shanghai'),
    /** Fixed offset from UTC used for all local-time arithmetic (Asia/Shanghai: 480, no DST). */
    utcOffsetMinutes: z
      .number()
      .int({ message: 'must be a whole number of minutes' })
      .min(-720, { message: 'must be between -720 and 840' })
      .max(840, { message: 'must be between -720 and 840' })
      .default(480),
    /** Opening time "HH:MM" (inclusive). */
    open: timeOfDaySchema.default('08:30'),
    /** Closing time "HH:MM" (exclusive: at close the centre is closed). */
    close: timeOfDaySchema.default('17:30'),
    /** Weekly rest days, 0 = Sunday … 6 = Saturday. */
    restDays: z
      .array(
        z
          .number()
          .int({ message: 'must be a weekday number 0 (Sunday) … 6 (Saturday)' })
          .min(0, { message: 'must be a weekday number 0 (Sunday) … 6 (Saturday)' })
          .max(6, { message: 'must be a weekday number 0 (Sunday) … 6 (Saturday)' }),
      )
      .default(() => [0, 6]),
    /** Public holidays 'YYYY-MM-DD' (local dates) on which the centre is closed. */
    holidays: z.array(localDateSchema).default(() => []),
    /** Make-up working days 调休 'YYYY-MM-DD' (local dates): working even if a rest day. */
    makeUpWorkdays: z.array(localDateSchema).default(() => []),
    /**
     * The last local date whose holidays and make-up days are known (the national list's
     * last year ends on 31 December). Absent: the end of the last year `holidays` lists.
     */
    coveredThrough: localDateSchema.optional(),
    /** The service centre whose calendar this is: every case opened under it belongs to that centre. */
    centre: z.string().min(1).max(64).optional(),
  })
  .superRefine((cfg, ctx) => {
    // Refinements may run even when fields failed, so re-check shapes defensively.
    if (
      typeof cfg.open === 'string' &&
      typeof cfg.close === 'string' &&
      TIME_RE.test(cfg.open) &&
      TIME_RE.test(cfg.close) &&
      minutesOfTime(cfg.open) >= minutesOfTime(cfg.close)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['close'],
        message: `opening time ${cfg.open} must be before closing time ${cfg.close}`,
      });
    }
    if (Array.isArray(cfg.holidays) && Array.isArray(cfg.makeUpWorkdays)) {
      const holidays = new Set(cfg.holidays);
      cfg.makeUpWorkdays.forEach((d, i) => {
        if (holidays.has(d)) {
          ctx.addIssue({
            code: 'custom',
            path: ['makeUpWorkdays', i],
            message: `${d} is listed both as a holiday and as a make-up working day`,
          });
        }
      });
    }
  });

/** Validated configuration (defaults applied). */
export type CalendarConfig = z.infer<typeof calendarConfigSchema>;
/** What may be written in a configuration file (every field optional). */
export type CalendarConfigInput = z.input<typeof calendarConfigSchema>;

/** One line per zod issue: `path: message`. */
export function formatIssues(issues: z.ZodError['issues']): string {
  return issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      return `  - ${path}: ${issue.message}`;
    })
    .join('\n');
}

/**
 * Validate a raw calendar configuration and apply defaults.
 * @throws Error listing every problem, and naming `source` when given.
 */
export function parseCalendarConfig(raw: unknown, source = 'calendar config'): CalendarConfig {
  const result = calendarConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`Invalid business calendar configuration (${source}):\n${formatIssues(result.error.issues)}`);
  }
  return result.data;
}

// ---------------------------------------------------------------------------------------------
// Due rules
// ---------------------------------------------------------------------------------------------

type ElapsedUnit = 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days' | 'week' | 'weeks';

/**
 * A deadline written the way the manuals say it, e.g. '5 minutes', '1 hour', '24 hours',
 * '2 days', '1 week', '1 month', 'same day', '1 working day', '3 working days'.
 * Strings from configuration are `string`s: run them through `parseDueRule` (or `dueRuleSchema`).
 */
export type DueRule =
  | 'same day'
  | `${number} ${ElapsedUnit}`
  | `${number} month`
  | `${number} months`
  | `${number} working day`
  | `${number} working days`
  | `until ${string}`;

export type ParsedDueRule =
  | { kind: 'elapsed'; ms: number }
  | { kind: 'until'; atMs: number }
  | { kind: 'elapsedMonths'; months: number }
  | { kind: 'sameDay' }
  | { kind: 'workingDays'; days: number };

/** 'wall' = clock time; 'business' = opening hours of working days only. */
export type Basis = 'wall' | 'business';

/**
 * What the rule-taking methods accept: a manual-style text (checked at run time by
 * `parseDueRule`, so plain `string`s from specs and configuration are fine) or a parsed rule.
 */
export type DueRuleLike = DueRule | (string & {}) | ParsedDueRule;

const UNIT_MS: Record<string, number> = {
  minute: MS_PER_MINUTE,
  hour: MS_PER_HOUR,
  day: MS_PER_DAY,
  week: MS_PER_WEEK,
};

/**
 * Parse a due rule. Accepts a positive whole count with singular or plural unit, any case and
 * spacing ('1 minute', '5 minutes', '24 hours', '2 days', '1 week', '1 month', 'same day',
 * '1 working day', '3 working days').
 * @throws Error naming the text when it is not a known rule.
 */
export function parseDueRule(text: string): ParsedDueRule {
  const fixed = /^until (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)$/.exec(String(text).trim());
  if (fixed) {
    const atMs = Date.parse(fixed[1] ?? '');
    if (Number.isFinite(atMs)) return { kind: 'until', atMs };
  }
  const norm = String(text).trim().toLowerCase().replace(/\s+/g, ' ');
  if (norm === 'same day') return { kind: 'sameDay' };

  const m = /^(\d+) (working day|minute|hour|day|week|month)s?$/.exec(norm);
  if (m) {
    const n = Number(m[1]);
    if (Number.isSafeInteger(n) && n >= 1) {
      const unit = m[2] ?? '';
      if (unit === 'working day') return { kind: 'workingDays', days: n };
      if (unit === 'month') return { kind: 'elapsedMonths', months: n };
      const unitMs = UNIT_MS[unit];
      if (unitMs !== undefined) return { kind: 'elapsed', ms: n * unitMs };
    }
  }
  throw new Error(
    `Unknown due rule "${text}": expected e.g. '5 minutes', '1 hour', '2 days', '1 week', ` +
      `'1 month', 'same day', 'N working days' (N a whole number ≥ 1) or 'until <ISO instant>'`,
  );
}

/** The rule of a deadline fixed to an instant (a date-fixed deadline, see `BusinessCalendar.dueByDate`). */
export function untilRule(at: Instant): DueRule {
  return `until ${new Date(toMs(at, 'deadline')).toISOString()}`;
}

/** zod schema for a due rule written in configuration; output is the original text. */
export const dueRuleSchema = z.string().superRefine((text, ctx) => {
  try {
    parseDueRule(text);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

function toParsedRule(rule: DueRuleLike): ParsedDueRule {
  return typeof rule === 'string' ? parseDueRule(rule) : rule;
}

// ---------------------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------------------

/** An instant: a `Date` or epoch milliseconds. Methods always return `Date`. */
export type Instant = Date | number;

function toMs(instant: Instant, what = 'instant'): number {
  const ms = typeof instant === 'number' ? instant : instant instanceof Date ? instant.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid ${what}: ${String(instant)}`);
  return ms;
}

function toDurationMs(ms: number, what = 'duration'): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`Invalid ${what}: ${String(ms)} (must be a finite number of milliseconds ≥ 0)`);
  }
  return Math.round(ms);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** How far ahead the calendar knows its holidays (`BusinessCalendar.coverage`). */
export interface CalendarCoverage {
  /** The last local date covered (undefined: no holiday is known at all). */
  through: string | undefined;
  /** The local date the check needs covered. */
  needed: string;
  covered: boolean;
}

export class BusinessCalendar {
  readonly config: CalendarConfig;
  private readonly offsetMs: number;
  private readonly openMs: number; // ms after local midnight
  private readonly closeMs: number; // ms after local midnight
  private readonly restDays: ReadonlySet<number>;
  private readonly holidays: ReadonlySet<number>; // epoch day numbers (local dates)
  private readonly makeUpDays: ReadonlySet<number>;

  /** The config is (re)validated; invalid config throws. Prefer `BusinessCalendar.from(raw)`. */
  constructor(config: CalendarConfig) {
    const cfg = parseCalendarConfig(config);
    this.config = cfg;
    this.offsetMs = cfg.utcOffsetMinutes * MS_PER_MINUTE;
    this.openMs = minutesOfTime(cfg.open) * MS_PER_MINUTE;
    this.closeMs = minutesOfTime(cfg.close) * MS_PER_MINUTE;
    this.restDays = new Set(cfg.restDays);
    this.holidays = new Set(cfg.holidays.map((d) => dayNumberOfDateString(d) as number));
    this.makeUpDays = new Set(cfg.makeUpWorkdays.map((d) => dayNumberOfDateString(d) as number));
  }

  /** Validate a raw (e.g. JSON) configuration, apply defaults, and build the calendar. */
  static from(raw: unknown, source?: string): BusinessCalendar {
    return new BusinessCalendar(parseCalendarConfig(raw, source));
  }

  /** Length of one business day (close − open) in ms: 9 h for 08:30–17:30. */
  get businessDayMs(): number {
    return this.closeMs - this.openMs;
  }

  // --- local-time helpers (day = epoch day number of the local date) ---

  private localDay(ms: number): number {
    return Math.floor((ms + this.offsetMs) / MS_PER_DAY);
  }

  private timeOfDay(ms: number): number {
    const local = ms + this.offsetMs;
    return local - Math.floor(local / MS_PER_DAY) * MS_PER_DAY;
  }

  /** UTC epoch ms of `msAfterMidnight` on local day `day`. */
  private at(day: number, msAfterMidnight: number): number {
    return day * MS_PER_DAY + msAfterMidnight - this.offsetMs;
  }

  private isWorkingDayNumber(day: number): boolean {
    if (this.makeUpDays.has(day)) return true;
    const weekday = (((day + EPOCH_DAY_WEEKDAY) % 7) + 7) % 7;
    return !this.restDays.has(weekday) && !this.holidays.has(day);
  }

  /** First working day ≥ `day`. */
  private workingDayFrom(day: number): number {
    for (let d = day, i = 0; i <= MAX_NON_WORKING_DAYS; d++, i++) {
      if (this.isWorkingDayNumber(d)) return d;
    }
    throw new Error(
      `Business calendar has no working day within ${MAX_NON_WORKING_DAYS} days after ` +
        `${this.formatDay(day)}: check restDays/holidays`,
    );
  }

  private isOpenMs(ms: number): boolean {
    const tod = this.timeOfDay(ms);
    return tod >= this.openMs && tod < this.closeMs && this.isWorkingDayNumber(this.localDay(ms));
  }

  private nextOpeningMs(ms: number): number {
    if (this.isOpenMs(ms)) return ms;
    const day = this.localDay(ms);
    const startDay = this.timeOfDay(ms) < this.openMs ? day : day + 1;
    return this.at(this.workingDayFrom(startDay), this.openMs);
  }

  private addBusinessMsRaw(startMs: number, ms: number): number {
    let cur = this.nextOpeningMs(startMs);
    let remaining = ms;
    for (;;) {
      const closeAt = this.at(this.localDay(cur), this.closeMs);
      const available = closeAt - cur;
      if (remaining <= available) return cur + remaining;
      remaining -= available;
      cur = this.nextOpeningMs(closeAt); // each pass consumes > 0 ms, nextOpening guards endless gaps
    }
  }

  private businessMsBetweenRaw(a: number, b: number): number {
    if (b <= a) return 0;
    let total = 0;
    const lastDay = this.localDay(b);
    for (let day = this.localDay(a); day <= lastDay; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      const from = Math.max(a, this.at(day, this.openMs));
      const to = Math.min(b, this.at(day, this.closeMs));
      if (to > from) total += to - from;
    }
    return total;
  }

  private formatDay(day: number): string {
    const d = new Date(day * MS_PER_DAY);
    return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  }

  // --- public API ---

  /** The local date of `instant` is a working day. */
  isWorkingDay(instant: Instant): boolean {
    return this.isWorkingDayNumber(this.localDay(toMs(instant)));
  }

  /** Working day and open ≤ local time < close. */
  isOpen(instant: Instant): boolean {
    return this.isOpenMs(toMs(instant));
  }

  /** `instant` itself when open, else the next opening time. */
  nextOpening(instant: Instant): Date {
    return new Date(this.nextOpeningMs(toMs(instant)));
  }

  /** Close of the business day that counts for an arrival at `instant`. */
  endOfBusinessDay(instant: Instant): Date {
    const opening = this.nextOpeningMs(toMs(instant));
    return new Date(this.at(this.localDay(opening), this.closeMs));
  }

  /**
   * Advance `ms` of business time from `start` (counting from the next opening when outside
   * hours). Adding 0 outside hours gives the next opening; landing exactly on close stays at close.
   */
  addBusinessMs(start: Instant, ms: number): Date {
    return new Date(this.addBusinessMsRaw(toMs(start, 'start'), toDurationMs(ms)));
  }

  /** Business time between `a` and `b` in ms (0 when b ≤ a). */
  businessMsBetween(a: Instant, b: Instant): number {
    return this.businessMsBetweenRaw(toMs(a, 'a'), toMs(b, 'b'));
  }

  /** 'wall' for elapsed rules (minutes…months), 'business' for 'same day' and working days. */
  basisOf(rule: DueRuleLike): Basis {
    const r = toParsedRule(rule);
    return r.kind === 'elapsed' || r.kind === 'elapsedMonths' || r.kind === 'until' ? 'wall' : 'business';
  }

  /** The deadline for something that arrives at `start` under `rule`. */
  due(start: Instant, rule: DueRuleLike): Date {
    const s = toMs(start, 'start');
    const r = toParsedRule(rule);
    switch (r.kind) {
      case 'elapsed':
        return new Date(s + r.ms);
      case 'until':
        return new Date(Math.max(s, r.atMs));
      case 'elapsedMonths':
        return new Date(this.addMonthsMs(s, r.months));
      case 'sameDay':
        return this.endOfBusinessDay(s);
      case 'workingDays':
        return new Date(this.addBusinessMsRaw(s, r.days * this.businessDayMs));
    }
  }

  /** Allowed time in the rule's basis: wall ms for elapsed rules, business ms otherwise. */
  allowedMs(start: Instant, rule: DueRuleLike): number {
    const s = toMs(start, 'start');
    const r = toParsedRule(rule);
    const dueMs = this.due(s, r).getTime();
    return this.basisOf(r) === 'wall' ? dueMs - s : this.businessMsBetweenRaw(s, dueMs);
  }

  /** `start` + `ms` in the given basis (ms ≥ 0). */
  addInBasis(start: Instant, ms: number, basis: Basis): Date {
    const s = toMs(start, 'start');
    const d = toDurationMs(ms);
    return basis === 'wall' ? new Date(s + d) : new Date(this.addBusinessMsRaw(s, d));
  }

  /** Time from `a` to `b` in the given basis; 0 when b ≤ a (in both bases). */
  msInBasis(a: Instant, b: Instant, basis: Basis): number {
    const am = toMs(a, 'a');
    const bm = toMs(b, 'b');
    return basis === 'wall' ? Math.max(0, bm - am) : this.businessMsBetweenRaw(am, bm);
  }

  /** Local midnight starting the date 'YYYY-MM-DD' (an event's day, a plan's date). */
  startOfLocalDate(date: string): Date {
    const day = dayNumberOfDateString(date);
    if (day === undefined) throw new RangeError(`Invalid local date: ${date}`);
    return new Date(this.at(day, 0));
  }

  /*
   * Deadlines fixed to a date (an event plan "1 month before" the event, filing
   * "by the 5th", any "N before D"). A date-fixed deadline is an instant, never an
   * elapsed count rounded to whole minutes, and is never due even a second early:
   * - "by day D" and "on D": done any time during local day D; due at the end of D,
   *   the local midnight that starts the next day (23:59:59.999 on D is on time);
   * - "before D": done by the end of the day before D; due at the local midnight that starts D.
   * A clock with such a deadline takes `untilRule(due)`.
   */

  /** "By day D" / "on D": the end of local date D (the midnight that starts the next day). */
  dueByDate(date: string): Date {
    return new Date(this.startOfLocalDate(date).getTime() + MS_PER_DAY);
  }

  /** "Before D": the end of the day before D (the midnight that starts D). */
  dueBeforeDate(date: string): Date {
    return this.startOfLocalDate(date);
  }

  /** The local date 'YYYY-MM-DD' `months` after `date` (negative: before), clamped to the target month's last day. */
  addMonthsToDate(date: string, months: number): string {
    return this.localDateOf(this.addMonths(this.startOfLocalDate(date), months));
  }

  /** The local calendar month before the one `instant` falls in: 'YYYY-MM' and its bounds [from, until). */
  previousMonthOf(instant: Instant): { month: string; from: Date; until: Date } {
    const thisMonth = `${this.localDateOf(instant).slice(0, 7)}-01`;
    const previous = this.addMonthsToDate(thisMonth, -1);
    return { month: previous.slice(0, 7), from: this.startOfLocalDate(previous), until: this.startOfLocalDate(thisMonth) };
  }

  /**
   * Whether the holidays and make-up days are known for the `days` days after `now`:
   * past the last covered date the calendar counts every weekday as a working day.
   */
  coverage(now: Instant, days: number): CalendarCoverage {
    const listed = [...this.config.holidays].sort().at(-1);
    const through = this.config.coveredThrough ?? (listed === undefined ? undefined : `${listed.slice(0, 4)}-12-31`);
    const needed = this.localDateOf(toMs(now) + days * MS_PER_DAY);
    return { through, needed, covered: through !== undefined && through >= needed };
  }

  /** The local date 'YYYY-MM-DD' of an instant. */
  localDateOf(instant: Instant): string {
    return this.formatDay(this.localDay(toMs(instant)));
  }

  /** Same local date-time `months` later (negative: earlier), clamped to the last day of the target month. */
  addMonths(instant: Instant, months: number): Date {
    return new Date(this.addMonthsMs(toMs(instant), months));
  }

  /**
   * An elapsed rule ('N minutes', N ≥ 1, rounded down: never later than `to`) that falls due at `to` when
   * counted from `from`: for deadlines fixed against a date (a plan due a month before its event) on a
   * clock that counts from now. A date already (nearly) past gives '1 minute'.
   */
  elapsedRuleUntil(from: Instant, to: Instant): DueRule {
    // Cases opened before 0.4.0 only (their histories replay on it): new clocks take `untilRule`.
    const minutes = Math.max(1, Math.floor((toMs(to, 'to') - toMs(from, 'from')) / MS_PER_MINUTE));
    return `${minutes} minutes`;
  }

  /** 'YYYY-MM-DD HH:mm' in the calendar's local time. */
  formatLocal(instant: Instant): string {
    const d = new Date(toMs(instant) + this.offsetMs);
    return (
      `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
      `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`
    );
  }

  /** Same local date-time `months` later, clamped to the last day of the target month. */
  private addMonthsMs(ms: number, months: number): number {
    const local = new Date(ms + this.offsetMs);
    const y = local.getUTCFullYear();
    const m = local.getUTCMonth() + months;
    const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    const day = Math.min(local.getUTCDate(), lastDay);
    return Date.UTC(y, m, day) + this.timeOfDay(ms) - this.offsetMs;
  }
}
