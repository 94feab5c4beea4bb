/** Every procedure the staff API serves, where its routes live, and how to find one by its receipt number. */
import { archiveAccessApi } from './archives';
import type { ProcedureApi } from './caseRoutes';
import { complaintApi } from './complaints';
import { eventApi } from './events';
import { keyLoanApi, keyReplacementApi } from './keys';
import { moveInApi } from './moveIns';
import type { Procedure } from './permissions';
import { repairApi } from './repairs';

export interface ServedProcedure {
  api: ProcedureApi<unknown>;
  /** Where its case routes are mounted. */
  basePath: string;
}

export const servedProcedures: Record<Procedure, ServedProcedure> = {
  repair: { api: repairApi as ProcedureApi<unknown>, basePath: '/repairs' },
  complaint: { api: complaintApi as ProcedureApi<unknown>, basePath: '/complaints' },
  keyLoan: { api: keyLoanApi as ProcedureApi<unknown>, basePath: '/keys/loans' },
  keyReplacement: { api: keyReplacementApi as ProcedureApi<unknown>, basePath: '/keys/replacements' },
  archiveAccess: { api: archiveAccessApi as ProcedureApi<unknown>, basePath: '/archives/access' },
  moveIn: { api: moveInApi as ProcedureApi<unknown>, basePath: '/move-ins' },
  communityEvent: { api: eventApi as ProcedureApi<unknown>, basePath: '/events' },
};

export function procedureOfCaseId(caseId: string): (ServedProcedure & { procedure: Procedure }) | undefined {
  for (const [procedure, served] of Object.entries(servedProcedures) as [Procedure, ServedProcedure][]) {
    if (caseId.startsWith(served.api.prefix) && served.api.caseIdSchema.safeParse(caseId).success) return { procedure, ...served };
  }
  return undefined;
}
