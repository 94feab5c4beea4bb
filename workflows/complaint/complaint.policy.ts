/**
 * Every deadline of the complaint procedure, as the manuals state them (DOMAIN.md §3).
 * Rules are computed against the business calendar (workflows/lib/calendar.ts).
 */
export const complaintDeadlines = {
  /** 2. respond to the customer within 1 hour. */
  response: '1 hour',
  /** 3. a valid complaint is reported to the supervisor at once and graded (default: within 1 hour). */
  grading: '1 hour',
  /** 4. within the centre's own scope: resolved the same day (counted from the receipt). */
  handlingInScope: 'same day',
  /** 4. transferred to another department: resolved within 3 days. */
  handlingTransferred: '3 days',
  /** 4. complex: the level above signs off the answer (default: within 1 working day). */
  signOff: '1 working day',
  /** 4. major: the quality dept sets a corrective plan (default: within 1 working day). */
  correctivePlan: '1 working day',
  /** 6. return visit within 3 days of handling, for every complaint (100%). */
  returnVisit: '3 days',
  /** 6. a repeat complaint: special return visit and rework within 24 hours of receipt (003 回访率 5). */
  repeatRework: '24 hours',
  repeatReturnVisit: '24 hours',
  /** 11. cause analysis and prevention measures before it closes (default: within 1 working day of the satisfied visit). */
  analysis: '1 working day',
} as const;

/** 8. After this many unsatisfied rounds (reply or return visit) the manager is told, and at every one after (default). */
export const unsatisfiedRoundsBeforeManager = 2;

export const complaintSteps = {
  response: '回复客户',
  grading: '投诉定级',
  handling: '投诉处理',
  signOff: '上级审核答复',
  correctivePlan: '制定纠正措施',
  returnVisit: '投诉回访',
  promise: '首问承诺答复',
  analysis: '原因分析与预防措施',
} as const;

/** How far back a complaint from the same unit about the same matter counts as a repeat. */
export const repeatWindowDays = 90;
