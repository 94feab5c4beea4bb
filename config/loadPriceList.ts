/**
 * Node-side loader for the paid-repair price list (有偿维修收费标准, DOMAIN.md §2): data,
 * validated at boot (the API refuses to start on a bad list, naming every issue).
 *
 * Precedence: PRICE_LIST_JSON (inline), PRICE_LIST_FILE (a path), then priceList.json
 * next to this file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIssues } from '../workflows/lib/calendar';
import { type PriceList, priceListSchema } from '../workflows/repair/priceList';

export const DEFAULT_PRICE_LIST_FILE = path.join(__dirname, 'priceList.json');

export function loadPriceList(env: NodeJS.ProcessEnv = process.env): PriceList {
  const inline = env['PRICE_LIST_JSON']?.trim();
  const file = env['PRICE_LIST_FILE']?.trim() ? path.resolve(env['PRICE_LIST_FILE']) : DEFAULT_PRICE_LIST_FILE;
  const source = inline ? 'env PRICE_LIST_JSON' : `file ${file}`;
  let raw: unknown;
  try {
    raw = JSON.parse(inline || fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read the paid-repair price list (${source}): ${(e as Error).message}`);
  }
  const parsed = priceListSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid paid-repair price list (${source}): ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}
