/** The workflows `perWorkflow.ts` holds open: one that uses a procedure's schemas as a case does, and one that uses nothing. */
import { sleep } from '@temporalio/workflow';
import { repairActions } from '../../workflows/repair/repair.messages';

/** Checks a staff action as an update validator would, then waits like an open case. */
export async function idleRepair(): Promise<boolean> {
  const valid = repairActions.reportCompletion.input.safeParse({ workDone: '更换阀芯' }).success;
  await sleep('30 days');
  return valid;
}

/** Waits and does nothing else: the SDK's own cost of a cached workflow. */
export async function idleBare(): Promise<void> {
  await sleep('30 days');
}
