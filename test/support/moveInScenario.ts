/** Scenario helpers for move-ins: open one as the front desk would, tick its checklists as the csr. */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Actor } from '../../workflows/lib/roles';
import {
  type MoveInAction,
  type MoveInInput,
  moveInState,
  moveInUpdates,
  moveInWorkflowId,
  type MoveInView,
} from '../../workflows/moveIn/moveIn.messages';
import type { moveIn } from '../../workflows/moveIn/moveIn';
import { csr, testCalendar } from './scenario';
import { taskQueue } from './temporal';
import type { ScenarioEnv } from './timeSkippingDriver';

export type MoveInHandle = WorkflowHandle<typeof moveIn>;

export async function openMoveIn(
  env: ScenarioEnv,
  opts: Partial<Pick<MoveInInput, 'delegate' | 'parkingSpace' | 'unit' | 'calendar'>> = {},
): Promise<MoveInHandle> {
  const caseId = `M${randomUUID().slice(0, 8)}`;
  const input: MoveInInput = {
    caseId,
    unit: opts.unit ?? `8-1-${randomUUID().slice(0, 4)}`,
    ownerName: '赵女士',
    ownerPhone: '13900000000',
    delegate: opts.delegate,
    parkingSpace: opts.parkingSpace,
    receivedBy: csr,
    calendar: opts.calendar ?? testCalendar(),
  };
  return env.client.workflow.start('moveIn', {
    taskQueue,
    // A loaded test machine can take more than the default 10 s over a workflow task.
    workflowTaskTimeout: '1 minute',
    workflowId: moveInWorkflowId(caseId),
    args: [input],
  }) as Promise<MoveInHandle>;
}

export function actOnMoveIn(h: MoveInHandle, action: MoveInAction, actor: Actor, input: Record<string, unknown>): Promise<MoveInView> {
  return h.executeUpdate(moveInUpdates[action], { args: [{ actor, input }] });
}

export const moveInOf = (h: MoveInHandle): Promise<MoveInView> => h.query(moveInState);
export const moveInIdOf = (h: MoveInHandle): string => h.workflowId.replace(/^moveIn-/, '');

/** Evidence for an item: a document or receipt number; fees carry their amount. */
export const evidenceFor = (step: string, item: string, extra: Record<string, unknown> = {}) => ({
  step,
  item,
  evidence: { ref: `${item.toUpperCase()}-001`, ...(step === 'fees' ? { amountFen: 100_000 } : {}), ...extra },
});

/** Every required item of the step in hand, then the step completed. */
export async function finishStep(h: MoveInHandle, actor: Actor = csr): Promise<MoveInView> {
  const view = await moveInOf(h);
  const step = view.stage;
  for (const item of view.required[step as keyof MoveInView['required']]) {
    if (!view.items[step as keyof MoveInView['items']][item]) await actOnMoveIn(h, 'recordItem', actor, evidenceFor(step, item));
  }
  return actOnMoveIn(h, 'completeStep', actor, { step });
}
