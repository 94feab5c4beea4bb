/**
 * Every workflow the worker runs. Their modules are evaluated once per worker
 * and shared by every case (workflows/preload.ts), not once per cached case.
 */
export { repairRequest } from './repair/repairRequest';
export { customerComplaint } from './complaint/customerComplaint';
export { keyLoan } from './keys/keyLoan';
export { keyReplacement } from './keys/keyReplacement';
export { weeklyKeyAudit } from './keys/weeklyKeyAudit';
export { archiveAccess } from './archive/archiveAccess';
export { monthlyFiling } from './archive/monthlyFiling';
export { moveIn } from './moveIn/moveIn';
export { communityEvent } from './communityEvent/communityEvent';
