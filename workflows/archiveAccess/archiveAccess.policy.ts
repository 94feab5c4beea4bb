/** Every deadline of an owner-file access (DOMAIN.md §5). */
export const archiveAccessDeadlines = {
  /** Another department's viewing waits on the supervisor's permission (default: within 1 hour). */
  permission: '1 hour',
  /** Taking out, copying or lending: the supervisor reports it to the manager (default: within 1 hour). */
  report: '1 hour',
  /** ...and the manager approves or refuses (default: within 1 hour). */
  approval: '1 hour',
  /** A file taken out, copied or lent is back the same day. */
  return: 'same day',
  /** A department's permission to view lasts until the close of the business day it was given. */
  viewing: 'same day',
} as const;

/** Like a key: a file not back is chased up the chain one hour apart on the clock (see keyLoan.policy.ts). */
export const archiveAccessEscalateEvery = '1 hour';

export const archiveAccessSteps = {
  permission: '批准查阅档案',
  report: '主管报告档案外借',
  approval: '经理审批档案外借',
  return: '档案归还',
} as const;
