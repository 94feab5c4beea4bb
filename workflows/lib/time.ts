/**
 * The workflow's clock. Inside a Temporal workflow `Date.now()` is replaced by
 * the deterministic workflow time (the time of the current workflow task), so
 * this is replay-safe; every workflow reads time through this one function.
 */
export function workflowNow(): number {
  return Date.now();
}

/** The workflow's time as an ISO instant: what a record of "when it happened in the case" carries. */
export function nowIso(): string {
  return new Date(workflowNow()).toISOString();
}

/** The latest instant any workflow lets reach a search attribute or a record (far beyond any input window, `instants.ts`). */
export const latestInstantMs = Date.UTC(2200, 0, 1);

/** An instant bounded to [1970, 2200): what a search attribute or a record may carry. */
export function boundedInstantMs(ms: number): number {
  if (!Number.isFinite(ms)) return latestInstantMs;
  return Math.min(Math.max(ms, 0), latestInstantMs);
}

/** The longest single timer a workflow sets; a later moment is reached by re-arming. */
export const longestTimerMs = 366 * 86_400_000;

/** A timer's duration bounded to [1 ms, longestTimerMs]. */
export function boundedTimerMs(ms: number): number {
  if (!Number.isFinite(ms)) return longestTimerMs;
  return Math.min(Math.max(ms, 1), longestTimerMs);
}
