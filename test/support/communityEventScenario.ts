/** Scenario helpers for community events: put one on the plan as the front desk would, act as staff. */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Actor } from '../../workflows/lib/roles';
import {
  type CommunityEventAction,
  type CommunityEventInput,
  communityEventState,
  communityEventUpdates,
  communityEventWorkflowId,
  type CommunityEventView,
} from '../../workflows/communityEvent/communityEvent.messages';
import type { communityEvent } from '../../workflows/communityEvent/communityEvent';
import { csr, testCalendar } from './scenario';
import { taskQueue } from './temporal';
import type { ScenarioEnv } from './timeSkippingDriver';

export type CommunityEventHandle = WorkflowHandle<typeof communityEvent>;

export async function planCommunityEvent(env: ScenarioEnv, date: string, title = '中秋游园会'): Promise<CommunityEventHandle> {
  const caseId = `E${randomUUID().slice(0, 8)}`;
  const input: CommunityEventInput = { caseId, planId: 'JH-TEST', title, date, description: '', compiledBy: csr, calendar: testCalendar() };
  return env.client.workflow.start('communityEvent', {
    taskQueue,
    // A loaded test machine can take more than the default 10 s over a workflow task.
    workflowTaskTimeout: '1 minute',
    workflowId: communityEventWorkflowId(caseId),
    args: [input],
  }) as Promise<CommunityEventHandle>;
}

export function actOnCommunityEvent(h: CommunityEventHandle, action: CommunityEventAction, actor: Actor, input: Record<string, unknown>): Promise<CommunityEventView> {
  return h.executeUpdate(communityEventUpdates[action], { args: [{ actor, input }] });
}

export const communityEventOf = (h: CommunityEventHandle): Promise<CommunityEventView> => h.query(communityEventState);
export const communityEventIdOf = (h: CommunityEventHandle): string => h.workflowId.replace(/^communityEvent-/, '');
