/**
 * 3. What each procedure requires of return visits (回访), and where its visits are recorded.
 *
 * - Repair (DOMAIN.md §2.6): every repair, within 2 days of completion (100%). Manual
 *   003's monthly sample is a configuration the manuals allow, but repair.policy.ts
 *   has none, so the default applies.
 * - Complaint (§3.6): every complaint, within 3 days of handling (24 hours for a repeat).
 * - Community event (§6.5): 10% of the participants within a month of the event
 *   (communityEvent.policy.ts `returnVisitShare`).
 *
 * The due time is the procedure's `returnVisit` clock, first run (a repair's second
 * visit after rework is not counted again); a visit is the audit entry of the action
 * that records it, timed by the workflow.
 */
import { complaintContract } from '../../workflows/complaint/complaint.messages';
import { communityEventContract } from '../../workflows/communityEvent/communityEvent.messages';
import { returnVisitShare } from '../../workflows/communityEvent/communityEvent.policy';
import { repairContract } from '../../workflows/repair/repair.messages';
import type { ReturnVisitRow } from './types';

export interface ReturnVisitRule {
  procedure: string;
  basis: ReturnVisitRow['basis'];
  requiredRate: number;
  /** The staff action whose audit entry is one visit. */
  visitAction: string;
}

/** The clock every procedure names its return-visit deadline by. */
export const returnVisitClock = 'returnVisit';

/** An event's participants, from the audit entry that recorded them. */
export const participantsAction = 'recordParticipants';

export const returnVisitRules: readonly ReturnVisitRule[] = [
  { procedure: repairContract.procedure, basis: 'cases', requiredRate: 1, visitAction: 'recordReturnVisit' },
  { procedure: complaintContract.procedure, basis: 'cases', requiredRate: 1, visitAction: 'recordReturnVisit' },
  { procedure: communityEventContract.procedure, basis: 'participants', requiredRate: returnVisitShare, visitAction: 'recordEventReturnVisit' },
];
