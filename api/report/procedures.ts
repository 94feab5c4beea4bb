/** The procedures the monthly report counts, in report order, with their names as staff say them. */
import { archiveAccessProcedure } from '../../workflows/archive/archiveAccess.messages';
import { complaintProcedure } from '../../workflows/complaint/complaint.messages';
import { eventProcedure } from '../../workflows/event/communityEvent.messages';
import { keyLoanProcedure } from '../../workflows/keys/keyLoan.messages';
import { keyReplacementProcedure } from '../../workflows/keys/keyReplacement.messages';
import { moveInProcedure } from '../../workflows/moveIn/moveIn.messages';
import { repairProcedure } from '../../workflows/repair/repair.messages';

export const reportedProcedures = [
  repairProcedure,
  complaintProcedure,
  keyLoanProcedure,
  keyReplacementProcedure,
  archiveAccessProcedure,
  moveInProcedure,
  eventProcedure,
] as const;
export type ReportedProcedure = (typeof reportedProcedures)[number];

export const procedureNames: Record<ReportedProcedure, string> = {
  repair: '报修',
  complaint: '投诉',
  keyLoan: '钥匙借用',
  keyReplacement: '钥匙配制/更换',
  archiveAccess: '档案借阅',
  moveIn: '入住办理',
  communityEvent: '社区活动',
};

/** The procedure's Chinese name; an unknown one (a newer procedure) as written. */
export function procedureName(procedure: string): string {
  return (procedureNames as Record<string, string>)[procedure] ?? procedure;
}

/** Report order: the list above, then anything else alphabetically. */
export function procedureOrder(procedure: string): number {
  const i = (reportedProcedures as readonly string[]).indexOf(procedure);
  return i === -1 ? reportedProcedures.length : i;
}
