/**
 * Changes to the repair workflow's code path since it shipped, each behind
 * `patched(id)` so histories recorded before it still replay (test/replay.test.ts).
 */
export const patches = {
  /** 2026-11-23: wait for staff actions that arrive while the clocks are saved, before continuing as new. */
  handlersBeforeContinueAsNew: 'repair-handlers-before-continue-as-new',
} as const;
