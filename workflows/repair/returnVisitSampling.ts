/**
 * Sampled return visits of repairs (003 回访率 2; DOMAIN.md §2 "Configuration"), a
 * configuration beside the default (every repair visited within 2 days): each month's
 * work orders are sampled and the sample visited within 1 month. Complex or long jobs
 * (a job not finished the day it was taken) are always visited, within that month, and
 * are not part of the sample.
 */
import { reproducibleSample } from '../lib/sample';

/** How the centre makes its repairs' return visits (RETURN_VISITS): every repair (default), or a monthly sample. */
export const returnVisitModes = ['all', 'monthlySample'] as const;
export type ReturnVisitMode = (typeof returnVisitModes)[number];

/** The repair workflow's step for a job that goes into its month's sample instead of a visit of its own. */
export const toMonthlySampleStep = 'toMonthlySample';

/** Under the monthly sample, visits (the sample's, and complex or long jobs') are due within 1 month (003). */
export const sampledVisitRule = '1 month';

/**
 * How many of a month's work orders are visited. The manual's bands overlap at 20, 50
 * and 100 (default: 20–50, 51–100): fewer than 20 → 5 (all of them when fewer than 5);
 * 20–50 → 30%; 51–100 → 15%; over 100 → 20; percentages rounded up. 50 orders give 15
 * visits, 51 give 8.
 */
export function monthlySampleSize(orders: number): number {
  if (orders <= 0) return 0;
  if (orders < 20) return Math.min(orders, 5);
  if (orders <= 50) return Math.ceil(orders * 0.3 - 1e-9);
  if (orders <= 100) return Math.ceil(orders * 0.15 - 1e-9);
  return 20;
}

/** The month's sample, reproducibly drawn from its work orders: the same month and orders always give the same sample. */
export function monthlySample(month: string, orders: readonly string[]): string[] {
  return reproducibleSample(`repair-return-visits:${month}`, orders, monthlySampleSize(new Set(orders).size));
}
