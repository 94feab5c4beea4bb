/**
 * The bench's baseline: a no-op procedure with the repair's shape and nothing
 * else — registration (opened by update-with-start, as the procedures open) and
 * the same 5 staff actions as updates, one activity per step that writes nothing. Run by the same worker on the same server in the
 * same run as the repair, it is what "CPU per case" and "action latency" of the
 * repair are measured against (the cost of Temporal itself).
 */
import type { UpdateDefinition } from '@temporalio/common';
import { condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export const skeletonSteps = ['fillServiceRecord', 'respondToOwner', 'takeJob', 'reportCompletion', 'recordReturnVisit'] as const;
export type SkeletonStep = (typeof skeletonSteps)[number];

export const skeletonUpdates = Object.fromEntries(skeletonSteps.map((s) => [s, defineUpdate<{ stage: string }, [unknown]>(`skeleton.${s}`)])) as Record<
  SkeletonStep,
  UpdateDefinition<{ stage: string }, [unknown]>
>;

/** Opening, as every procedure opens (update-with-start of `case.opened`, answered once registration is on record). */
export const skeletonOpened = defineUpdate<{ stage: string }>('case.opened');

export const skeletonActivities = {
  /** One step of the skeleton: no work at all. */
  async skeletonStep(_step: { caseId: string; step: string }): Promise<void> {
    // intentionally empty: the baseline is the round trip, not the work
  },
};

// By default the same kind of activity as a procedure's step write (workflows/lib/recordActivities.ts): local.
// `remote`: a regular activity per step (its own activity task and a second workflow task for its result).
const local = proxyLocalActivities<typeof skeletonActivities>({ startToCloseTimeout: '30 seconds' });
const remote = proxyActivities<typeof skeletonActivities>({ startToCloseTimeout: '30 seconds' });

export async function benchSkeleton(input: { caseId: string; remote?: boolean }): Promise<{ stage: string }> {
  const { skeletonStep } = input.remote ? remote : local;
  let registered = false;
  let done = 0;
  for (const step of skeletonSteps) {
    // Like a procedure's actions: each waits until registration is on record, then is one step.
    setHandler(skeletonUpdates[step], async () => {
      await condition(() => registered);
      await skeletonStep({ caseId: input.caseId, step });
      done += 1;
      return { stage: done === skeletonSteps.length ? 'closed' : step };
    });
  }
  setHandler(skeletonOpened, async () => {
    await condition(() => registered);
    return { stage: 'registered' };
  });
  await skeletonStep({ caseId: input.caseId, step: 'register' });
  registered = true;
  await condition(() => done === skeletonSteps.length);
  return { stage: 'closed' };
}
