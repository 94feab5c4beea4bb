/** Scenario helpers for complaints: open one as the front desk would, act as staff. */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { CalendarConfig } from '../../workflows/lib/calendar';
import type { Actor } from '../../workflows/lib/roles';
import {
  type ComplaintAction,
  complaintState,
  complaintUpdates,
  complaintWorkflowId,
  type ComplaintView,
} from '../../workflows/complaint/complaint.messages';
import type { customerComplaint } from '../../workflows/complaint/customerComplaint';
import { csr, testCalendar } from './scenario';
import { taskQueue } from './temporal';
import type { ScenarioEnv } from './timeSkippingDriver';

export type ComplaintHandle = WorkflowHandle<typeof customerComplaint>;

export const manager: Actor = { id: 'mgr-chen', role: 'manager' };
export const executive: Actor = { id: 'vp-sun', role: 'executive' };
export const cleaning: Actor = { id: 'clean-he', role: 'department' };

export async function openComplaint(
  env: ScenarioEnv,
  opts: { calendar?: CalendarConfig; repeatOf?: string; matter?: string; receivedBy?: Actor; promisedReplyAt?: string } = {},
): Promise<ComplaintHandle> {
  const caseId = `C${randomUUID().slice(0, 8)}`;
  return env.client.workflow.start('customerComplaint', {
    taskQueue,
    // A loaded test machine can take more than the default 10 s over a workflow task.
    workflowTaskTimeout: '1 minute',
    workflowId: complaintWorkflowId(caseId),
    args: [
      {
        caseId,
        unit: '5-1-302',
        customerName: '王女士',
        customerPhone: '13700000000',
        channel: 'phone',
        matter: opts.matter ?? '楼道卫生',
        content: '楼道垃圾两天无人清理',
        receivedBy: opts.receivedBy ?? csr,
        calendar: opts.calendar ?? testCalendar(),
        repeatOf: opts.repeatOf,
        promisedReplyAt: opts.promisedReplyAt,
      },
    ],
  }) as Promise<ComplaintHandle>;
}

export function actOn(h: ComplaintHandle, action: ComplaintAction, actor: Actor, input: Record<string, unknown>): Promise<ComplaintView> {
  return h.executeUpdate(complaintUpdates[action], { args: [{ actor, input }] });
}

export const complaintOf = (h: ComplaintHandle): Promise<ComplaintView> => h.query(complaintState);
export const complaintIdOf = (h: ComplaintHandle): string => h.workflowId.replace(/^complaint-/, '');
