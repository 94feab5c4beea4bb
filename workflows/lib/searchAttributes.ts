import { defineSearchAttributeKey, type SearchAttributePair, SearchAttributeType } from '@temporalio/common';
import { defaultCentre } from './stepRecord';

/**
 * Custom search attributes every case sets, so a supervisor can find it in the
 * Temporal Web UI. `scripts/searchAttributes.ts` registers them on the servers.
 */
export const caseProcedure = defineSearchAttributeKey('CaseProcedure', SearchAttributeType.KEYWORD);
export const caseStage = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const caseUnit = defineSearchAttributeKey('CaseUnit', SearchAttributeType.KEYWORD);
/** The service centre the case belongs to (`CaseCentre = "..."` finds one centre's cases). */
export const caseCentre = defineSearchAttributeKey('CaseCentre', SearchAttributeType.KEYWORD);
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
  caseCentre,
  caseAssignee,
  caseNextDue,
  caseBreached,
  complaintGrade,
  caseRepeat,
] as const;

/**
 * What the Temporal UI shows of a case from its start, however it is started (the API, a
 * scheduled run, a parent case): its procedure, unit and centre, and no breach yet. The
 * stage, assignee and next due time are the workflow's own, set once registration is on record.
 */
export function openingSearchAttributes(procedure: string, unit: string, centre: string | undefined): SearchAttributePair[] {
  return [
    { key: caseProcedure, value: procedure },
    { key: caseUnit, value: unit },
    { key: caseCentre, value: centre ?? defaultCentre },
    { key: caseBreached, value: false },
  ];
}
