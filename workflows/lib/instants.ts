/**
 * Instants and dates that come from input (an appointment, an event's date):
 * each is checked against a window that makes sense for it, relative to "now".
 * In a workflow "now" is the workflow's time (its update validators run these
 * schemas); the API pins its own request time with `parseAtTime` so both sides
 * judge an input by the same clock. A value outside its window is a 400 with
 * the zod issue, never a timer, search attribute or record years away.
 *
 * The bounds every workflow applies to whatever reaches it (`boundedInstantMs`,
 * `boundedTimerMs` in `time.ts`) are the last line: no value breaks a task.
 */
import { z } from 'zod';
import { dayNumberOfDateString, MS_PER_DAY, MS_PER_MINUTE } from './calendar';
import { workflowNow } from './time';

export interface InstantWindow {
  /** How far before now an instant may lie (a booking made a few minutes late). */
  pastMs: number;
  /** How far ahead, in calendar years. */
  aheadYears: number;
}

/** The default window: not more than 10 minutes in the past, not more than 1 year ahead. */
export const inputWindow: InstantWindow = { pastMs: 10 * MS_PER_MINUTE, aheadYears: 1 };

let pinnedNowMs: number | undefined;

/** "Now" for the window checks: the pinned request time in the API, the workflow's time in a workflow. */
export function validationNowMs(): number {
  return pinnedNowMs ?? workflowNow();
}

/** Runs a (synchronous) parse with "now" pinned, e.g. to the API's request time. */
export function parseAtTime<T>(now: Date, parse: () => T): T {
  const before = pinnedNowMs;
  pinnedNowMs = now.getTime();
  try {
    return parse();
  } finally {
    pinnedNowMs = before;
  }
}

const addYears = (ms: number, years: number): number => {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
};

const fmt = (ms: number, offsetMinutes: number): string =>
  new Date(ms + offsetMinutes * MS_PER_MINUTE).toISOString().slice(0, 16).replace('T', ' ');

/** An ISO instant with an offset, within `window` of now. */
export function instantInput(window: InstantWindow = inputWindow, offsetMinutes = 480) {
  return z.iso.datetime({ offset: true }).superRefine((value, ctx) => {
    const at = Date.parse(value);
    const now = validationNowMs();
    const earliest = now - window.pastMs;
    const latest = addYears(now, window.aheadYears);
    if (!(at >= earliest && at <= latest)) {
      ctx.addIssue({
        code: 'custom',
        message: `时间须在 ${fmt(earliest, offsetMinutes)} 至 ${fmt(latest, offsetMinutes)}（北京时间）之间`,
        params: { earliest: new Date(earliest).toISOString(), latest: new Date(latest).toISOString() },
      });
    }
  });
}

/** A local calendar date (YYYY-MM-DD) that exists, from `fromDays` after today (local) up to `aheadYears` ahead. */
export function localDateInput({ fromDays, aheadYears }: { fromDays: number; aheadYears: number }, offsetMinutes = 480) {
  return z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式：YYYY-MM-DD')
    .superRefine((value, ctx) => {
      if (dayNumberOfDateString(value) === undefined) {
        ctx.addIssue({ code: 'custom', message: `日期 ${value} 不存在` });
        return;
      }
      const today = Date.parse(`${new Date(validationNowMs() + offsetMinutes * MS_PER_MINUTE).toISOString().slice(0, 10)}T00:00:00Z`);
      const earliest = new Date(today + fromDays * MS_PER_DAY).toISOString().slice(0, 10);
      const latest = new Date(addYears(today, aheadYears)).toISOString().slice(0, 10);
      if (value < earliest || value > latest) {
        ctx.addIssue({ code: 'custom', message: `日期须在 ${earliest} 至 ${latest} 之间`, params: { earliest, latest } });
      }
    });
}
