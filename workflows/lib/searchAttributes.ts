import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes every case sets, so a supervisor can find it in the
 * Temporal Web UI. `scripts/searchAttributes.ts` registers them on the servers.
 */
export const caseProcedure = defineSearchAttributeKey('CaseProcedure', SearchAttributeType.KEYWORD);
export const caseStage = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const caseUnit = defineSearchAttributeKey('CaseUnit', SearchAttributeType.KEYWORD);
export const caseAssignee = defineSearchAttributeKey('CaseAssignee', SearchAttributeType.KEYWORD);
export const caseNextDue = defineSearchAttributeKey('CaseNextDue', SearchAttributeType.DATETIME);
export const caseBreached = defineSearchAttributeKey('CaseBreached', SearchAttributeType.BOOL);
export const complaintGrade = defineSearchAttributeKey('ComplaintGrade', SearchAttributeType.KEYWORD);
/** A repeat complaint from the same unit about the same matter (flagged for the monthly report). */
export const caseRepeat = defineSearchAttributeKey('CaseRepeat', SearchAttributeType.BOOL);

export const allSearchAttributes = [
  caseProcedure,
  caseStage,
  caseUnit,
  caseAssignee,
  caseNextDue,
  caseBreached,
  complaintGrade,
  caseRepeat,
] as const;
