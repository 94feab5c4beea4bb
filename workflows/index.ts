/**
 * Every workflow the worker runs. The worker evaluates a workflow's modules
 * once for each workflow it holds in its cache, so each procedure's modules are
 * loaded only when a case of that procedure runs: a cached repair holds the
 * repair's schemas and code, not every procedure's.
 */
/* eslint-disable no-restricted-globals -- only here: a require inside the workflow is what loads its modules lazily (webpack bundles it like any import) */

/** A workflow function whose module is loaded on its first call in a workflow's context. */
function lazily<F extends (...args: never[]) => unknown>(load: () => F): F {
  return ((...args: Parameters<F>) => load()(...args)) as F;
}

export const repairRequest = lazily(() => (require('./repair/repairRequest') as typeof import('./repair/repairRequest')).repairRequest);
export const customerComplaint = lazily(() => (require('./complaint/customerComplaint') as typeof import('./complaint/customerComplaint')).customerComplaint);
export const keyLoan = lazily(() => (require('./keys/keyLoan') as typeof import('./keys/keyLoan')).keyLoan);
export const keyReplacement = lazily(() => (require('./keys/keyReplacement') as typeof import('./keys/keyReplacement')).keyReplacement);
export const weeklyKeyAudit = lazily(() => (require('./keys/weeklyKeyAudit') as typeof import('./keys/weeklyKeyAudit')).weeklyKeyAudit);
export const archiveAccess = lazily(() => (require('./archive/archiveAccess') as typeof import('./archive/archiveAccess')).archiveAccess);
export const monthlyFiling = lazily(() => (require('./archive/monthlyFiling') as typeof import('./archive/monthlyFiling')).monthlyFiling);
export const moveIn = lazily(() => (require('./moveIn/moveIn') as typeof import('./moveIn/moveIn')).moveIn);
export const communityEvent = lazily(() => (require('./event/communityEvent') as typeof import('./event/communityEvent')).communityEvent);
