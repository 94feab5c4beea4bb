/**
 * Every procedure, by its contract (workflows/lib/contract.ts). Whatever lists
 * procedures — the permission table, the staff API's case routes, the inbox,
 * the reports, the OpenAPI document, the worker's check of its workflows, the
 * bench — reads this list. Adding a procedure is its folder and one line here.
 */
import { archiveAccessContract } from './archiveAccess/archiveAccess.messages';
import { communityEventContract } from './communityEvent/communityEvent.messages';
import { complaintContract } from './complaint/complaint.messages';
import { keyCheckContract } from './keys/keyCheck.messages';
import { keyLoanContract } from './keys/keyLoan.messages';
import { keyReplacementContract } from './keys/keyReplacement.messages';
import type { ProcedureContract } from './lib/contract';
import { monthlyFilingContract } from './monthlyFiling/monthlyFiling.messages';
import { moveInContract } from './moveIn/moveIn.messages';
import { repairContract } from './repair/repair.messages';
import { repairVisitSampleContract } from './repairVisitSample/repairVisitSample.messages';

export const procedureContracts = [
  repairContract,
  complaintContract,
  keyLoanContract,
  keyReplacementContract,
  archiveAccessContract,
  moveInContract,
  communityEventContract,
  monthlyFilingContract,
  keyCheckContract,
  repairVisitSampleContract,
] as const;

export type Procedure = (typeof procedureContracts)[number]['procedure'];
export const procedures: Procedure[] = procedureContracts.map((c) => c.procedure);

/** Each procedure's contract by its name. */
export const contracts = Object.fromEntries(procedureContracts.map((c) => [c.procedure, c])) as {
  [C in (typeof procedureContracts)[number] as C['procedure']]: C;
};

/** Procedures whose cases are workflows, with their case actions (the permission table's and the inbox's source). */
export const procedureActionTables = Object.fromEntries(procedureContracts.map((c) => [c.procedure, c.actions])) as {
  [C in (typeof procedureContracts)[number] as C['procedure']]: C['actions'];
};

/** A procedure's contract by its name as the case row stores it; undefined for a name the registry does not know. */
export function contractOf(procedure: string): ProcedureContract | undefined {
  return (procedureContracts as readonly ProcedureContract[]).find((c) => c.procedure === procedure);
}

/** The procedure whose receipt numbers look like this one, if any. */
export function contractOfCaseId(caseId: string): ProcedureContract | undefined {
  return (procedureContracts as readonly ProcedureContract[]).find((c) => caseId.startsWith(c.prefix) && c.caseIdSchema.safeParse(caseId).success);
}
