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
