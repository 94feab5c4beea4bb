/**
 * Every workflow the worker runs. Their modules are evaluated once per worker
 * and shared by every case (workflows/preload.ts), not once per cached case.
 */
export { repairRequest } from './repair/repairRequest';
export { customerComplaint } from './complaint/customerComplaint';
export { keyLoan } from './keys/keyLoan';
export { keyReplacement } from './keys/keyReplacement';
export { weeklyKeyAudit } from './keys/weeklyKeyAudit';
export { keyCheck } from './keys/keyCheck';
export { archiveAccess } from './archiveAccess/archiveAccess';
export { monthlyFiling } from './monthlyFiling/monthlyFiling';
export { monthlyFilingCase } from './monthlyFiling/monthlyFilingCase';
export { moveIn } from './moveIn/moveIn';
export { communityEvent } from './communityEvent/communityEvent';
export { repairVisitSample } from './repairVisitSample/repairVisitSample';
export { repairVisitSampling } from './repairVisitSample/repairVisitSampling';
export { calendarCoverage } from './calendarCoverage/calendarCoverage';
