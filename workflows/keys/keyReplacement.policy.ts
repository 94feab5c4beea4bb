/** Deadlines of a key duplication or replacement (DOMAIN.md §4: application → supervisor review → manager approval). */
export const keyReplacementDeadlines = {
  /** The supervisor reviews the application (default: within 1 working day). */
  review: '1 working day',
  /** The manager approves or refuses it (default: within 1 working day). */
  approval: '1 working day',
} as const;

export const keyReplacementSteps = {
  review: '主管审核配钥申请',
  approval: '经理审批配钥申请',
} as const;
