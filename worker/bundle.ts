import type { BundleOptions } from '@temporalio/worker';

/**
 * How the worker bundles the workflows: every procedure, with the modules all
 * cases share preloaded once per worker (workflows/preload.ts). The worker,
 * the tests, the replay test and the bench bundle the same way.
 */
export const workflowBundleOptions = (workflowsPath = require.resolve('../workflows')): Pick<BundleOptions, 'workflowsPath' | 'preloadModules'> => ({
  workflowsPath,
  preloadModules: [require.resolve('../workflows/preload')],
});
