/**
 * A case a scheduled run opens (the month's filing, the week's key check): started
 * as a child that outlives the run (ABANDON), with what the Temporal UI shows of a
 * case from its start (its procedure, unit, centre, no breach), once per receipt number: a
 * catch-up run of the same period finds it open and leaves it be.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { ProcedureContract } from './contract';
import type { CalendarConfig } from './calendar';
import { openingSearchAttributes } from './searchAttributes';

export async function openChildCase<Input extends { caseId: string; calendar?: CalendarConfig }>(
  contract: Pick<ProcedureContract<string, unknown, never, Input>, 'procedure' | 'workflowType' | 'workflowId' | 'startUi'>,
  input: Input,
): Promise<void> {
  try {
    await startChild(contract.workflowType, {
      workflowId: contract.workflowId(input.caseId),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // A receipt number is never reused, not even after its case closed (as the API starts cases).
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: openingSearchAttributes(contract.procedure, contract.startUi.unit(input), input.calendar?.centre),
      args: [input],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
