/**
 * The activities a workflow calls to persist its records and send its messages,
 * with their timeouts and retries set once. They are local activities: a step's
 * write is short, keyed and safe to retry, so the worker runs it within the
 * workflow task that takes the step (no separate activity task, no second
 * workflow task for its result: a staff action or a clock event is one
 * workflow task). A failed write is retried by the worker; past a minute
 * between attempts the retry waits on a timer, so a database outage holds the
 * case without holding a workflow task.
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

export const recordActivities = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
