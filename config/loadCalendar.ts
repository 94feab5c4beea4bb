/**
 * Node-side loader for the business calendar configuration (not for workflow code).
 *
 * Precedence:
 *   1. CALENDAR_CONFIG_JSON — inline JSON (non-blank value)
 *   2. CALENDAR_CONFIG_FILE — path to a JSON file (relative paths resolve against the cwd)
 *   3. calendar.json next to this file
 *
 * The national holidays and make-up working days (config/nationalHolidays.ts,
 * from last year on) come with it unless the configuration says
 * `"nationalHolidays": false`; its own `holidays` and `makeUpWorkdays` add to
 * them and win over them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCalendarConfig, type CalendarConfig } from '../workflows/lib/calendar';
import { nationalCalendar, withNationalDays } from './nationalHolidays';

export const DEFAULT_CALENDAR_FILE = path.join(__dirname, 'calendar.json');

function nonBlank(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`Invalid business calendar configuration (${source}): not valid JSON: ${(e as Error).message}`);
  }
}

function readFile(file: string, source: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read business calendar configuration (${source}): ${(e as Error).message}`);
  }
}

/**
 * Load and validate the calendar configuration.
 * @throws Error naming the source and listing every validation issue.
 */
export function loadCalendarConfig(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): CalendarConfig {
  const inline = nonBlank(env['CALENDAR_CONFIG_JSON']);
  if (inline !== undefined) {
    const source = 'env CALENDAR_CONFIG_JSON';
    return withNational(parseJson(inline, source), source, now);
  }

  const fileFromEnv = nonBlank(env['CALENDAR_CONFIG_FILE']);
  const file = fileFromEnv !== undefined ? path.resolve(fileFromEnv) : DEFAULT_CALENDAR_FILE;
  const source = fileFromEnv !== undefined ? `env CALENDAR_CONFIG_FILE=${file}` : `file ${file}`;
  return withNational(parseJson(readFile(file, source), source), source, now);
}

/** The configuration with the national days under it, unless it turns them off. */
function withNational(raw: unknown, source: string, now: Date): CalendarConfig {
  let national = true;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'nationalHolidays' in raw) {
    const { nationalHolidays, ...rest } = raw as Record<string, unknown>;
    if (typeof nationalHolidays !== 'boolean') throw new Error(`Invalid business calendar configuration (${source}):\n  - nationalHolidays: must be true or false`);
    national = nationalHolidays;
    raw = rest;
  }
  const own = parseCalendarConfig(raw, source);
  return national ? parseCalendarConfig(withNationalDays(own, nationalCalendar(now.getUTCFullYear() - 1)), source) : own;
}
