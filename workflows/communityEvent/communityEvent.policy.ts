/**
 * Every deadline of a community event, as the manuals state them (DOMAIN.md §6).
 * Rules are computed against the business calendar (workflows/lib/calendar.ts).
 */
import { reproducibleSample } from '../lib/sample';

export const communityEventDeadlines = {
  /** 2. The event plan is written 1 month before the event date. */
  planMonthsBefore: 1,
  /** 4. A written summary after the event (default: within 7 days of the event date). */
  summary: '7 days',
  /** 5. Return visits within 1 month of the event. */
  returnVisit: '1 month',
  /** A missed plan or approval goes one level further up every working day. */
  escalateEvery: '1 working day',
} as const;

/** 5. Return visits to 10% of the participants, at least one. */
export const returnVisitShare = 0.1;

export const communityEventSteps = {
  plan: '编写活动方案',
  approval: '活动方案审批',
  summary: '活动总结',
  returnVisit: '活动回访',
} as const;

/**
 * The participants chosen for return visits: ordered by a hash of the case and
 * the name (so the same list always gives the same choice, yet not simply the
 * first names signed in), the first ceil(10%), at least one.
 */
export function returnVisitSample(caseId: string, participants: readonly string[], share = returnVisitShare): string[] {
  const unique = [...new Set(participants)];
  return reproducibleSample(caseId, unique, Math.min(unique.length, Math.max(1, Math.ceil(unique.length * share))));
}
