/**
 * The activities a workflow calls to persist its records and send its messages,
 * with their timeouts and retries set once: a database write is short, and a
 * failed one is retried (every write is keyed, so a retry writes nothing twice).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export const recordActivities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
