/**
 * Every deadline of a key loan, as the manual states it (DOMAIN.md §4).
 * Rules are computed against the business calendar (workflows/lib/calendar.ts).
 */
export const keyLoanDeadlines = {
  /** A loan is due back the same day (by the close of that business day). */
  return: 'same day',
  /** An emergency loan's paperwork is completed afterwards (default: within 24 h). */
  paperwork: '24 hours',
  /** The supervisor decides on unsealing a vacant unit's key (default: within 1 hour). */
  unsealApproval: '1 hour',
  /** The manager approves an emergency use at once (default: within 15 minutes). */
  emergencyApproval: '15 minutes',
} as const;

/**
 * A key still out after its deadline: the supervisor hears at the breach, the
 * manager one hour later on the clock (a key missed at Friday's 17:30 close
 * reaches the manager at 18:30 that evening, not on Monday): a home's key out
 * overnight is exactly what must not wait for office hours.
 */
export const keyEscalateEvery = '1 hour';

export const keyLoanSteps = {
  return: '归还钥匙',
  paperwork: '补办借用手续',
  unsealApproval: '审批启封',
  emergencyApproval: '审批紧急用钥',
} as const;
