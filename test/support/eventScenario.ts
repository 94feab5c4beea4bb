/** Scenario helpers for community events: put one on the plan as the front desk would, act as staff. */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Actor } from '../../workflows/lib/roles';
import {
  type EventAction,
  type EventInput,
  eventState,
  eventUpdates,
  eventWorkflowId,
  type EventView,
} from '../../workflows/event/communityEvent.messages';
import type { communityEvent } from '../../workflows/event/communityEvent';
import { csr, testCalendar } from './scenario';
import { taskQueue } from './temporal';
import type { ScenarioEnv } from './timeSkippingDriver';

export type EventHandle = WorkflowHandle<typeof communityEvent>;

export async function planEvent(env: ScenarioEnv, date: string, title = '中秋游园会'): Promise<EventHandle> {
  const caseId = `E${randomUUID().slice(0, 8)}`;
  const input: EventInput = { caseId, planId: 'JH-TEST', title, date, description: '', compiledBy: csr, calendar: testCalendar() };
  return env.client.workflow.start('communityEvent', {
    taskQueue,
    // A loaded test machine can take more than the default 10 s over a workflow task.
    workflowTaskTimeout: '1 minute',
    workflowId: eventWorkflowId(caseId),
    args: [input],
  }) as Promise<EventHandle>;
}

export function actOnEvent(h: EventHandle, action: EventAction, actor: Actor, input: Record<string, unknown>): Promise<EventView> {
  return h.executeUpdate(eventUpdates[action], { args: [{ actor, input }] });
}

export const eventOf = (h: EventHandle): Promise<EventView> => h.query(eventState);
export const eventIdOf = (h: EventHandle): string => h.workflowId.replace(/^communityEvent-/, '');
