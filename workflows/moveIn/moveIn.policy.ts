/**
 * Every deadline of a move-in, as the manual states it (DOMAIN.md §1 timers, defaults).
 * Rules are computed against the business calendar (workflows/lib/calendar.ts).
 */
export const moveInDeadlines = {
  /**
   * A started move-in that stalls: the csr is reminded after 3 business days,
   * the supervisor hears after 5. One clock, restarted on every recorded item or step.
   */
  stall: '5 working days',
} as const;

/** 3 of the 5 working days: the csr's reminder. */
export const stallWarnAt = [0.6] as const;

export const moveInClockSteps = {
  stall: '入住办理进度',
} as const;
