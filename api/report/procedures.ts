/** The procedures the monthly report counts, in the registry's order, with their names as staff say them. */
import { contractOf, type Procedure, procedures } from '../../workflows/registry';

export const reportedProcedures = procedures;
export type ReportedProcedure = Procedure;

/** The procedure's Chinese name (its contract's); an unknown one (a newer procedure) as written. */
export function procedureName(procedure: string): string {
  return contractOf(procedure)?.name ?? procedure;
}

/** Report order: the registry's, then anything else alphabetically. */
export function procedureOrder(procedure: string): number {
  const i = (reportedProcedures as readonly string[]).indexOf(procedure);
  return i === -1 ? reportedProcedures.length : i;
}
