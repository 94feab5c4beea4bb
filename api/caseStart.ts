/**
 * Starting a case workflow under a new receipt number (`newCaseId`), shared by
 * the custody routes: a collision of the random part draws again; a receipt
 * number is never reused.
 */
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { BusinessCalendar } from '../workflows/lib/calendar';
import { newCaseId } from './repairStart';
import { fromTemporalError } from './temporalErrors';

export interface CaseStart {
  client: Client;
  taskQueue: string;
  cal: BusinessCalendar;
  now: Date;
  prefix: string;
  workflowType: string;
  workflowId: (caseId: string) => string;
  args: (caseId: string) => unknown[];
  searchAttributes: SearchAttributePair[];
  summary: (caseId: string) => string;
  details: (caseId: string) => string;
}

const startAttempts = 3;

export async function startCase(s: CaseStart): Promise<{ caseId: string; workflowId: string }> {
  for (let attempt = 1; ; attempt++) {
    const caseId = newCaseId(s.prefix, s.cal, s.now);
    const workflowId = s.workflowId(caseId);
    try {
      await s.client.workflow.start(s.workflowType, {
        taskQueue: s.taskQueue,
        workflowId,
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: s.args(caseId),
        typedSearchAttributes: s.searchAttributes,
        staticSummary: s.summary(caseId),
        staticDetails: s.details(caseId),
      });
      return { caseId, workflowId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError && attempt < startAttempts) continue;
      throw await fromTemporalError(err, caseId);
    }
  }
}
