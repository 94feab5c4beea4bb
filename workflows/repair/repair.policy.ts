/**
 * Every deadline of the repair procedure, as the manuals state them (DOMAIN.md §2).
 * Rules are computed against the business calendar (workflows/lib/calendar.ts).
 */
export const repairDeadlines = {
  /** 3. the csr fills the service record and notifies engineering: within 5 minutes of registering (000 §4.2). */
  serviceRecord: '5 minutes',
  /** 4. a technician takes the job (no manual deadline; default 30 minutes, REPAIR_TAKE_UP_WITHIN), owned by engineering. */
  dispatch: '30 minutes',
  /** 4. the owner hears back from the centre within 1 hour of registering (002). */
  response: '1 hour',
  /** 5. a job is finished the same day, else reported back and followed up. */
  completion: 'same day',
  /** 5. while unfinished, the csr follows it up with the owner every day. */
  followUp: 'same day',
  /** 6. return visit within 2 days of completion, for every repair (100%). */
  returnVisit: '2 days',
  /** 6. a problem found on the return visit is fixed within 1 working day. */
  rework: '1 working day',
} as const;

/**
 * Cases registered before 0.4.0: the system filled the service record at
 * registration and a technician had 5 minutes to take the job.
 */
export const repairDeadlinesBefore040 = { dispatch: '5 minutes' } as const;

/** Step names as staff say them (notifications, audit). */
export const repairSteps = {
  serviceRecord: '填写服务记录并通知工程部',
  dispatch: '派工接单',
  response: '回复业主',
  completion: '完工',
  followUp: '每日跟进业主',
  returnVisit: '回访业主',
  rework: '返修',
} as const;

/** A long unfinished job continues as new once its history grows past this many events. */
export const historyEventsBeforeContinueAsNew = 2_000;
