/**
 * Owner-file access (档案借阅, DOMAIN.md §5): customer service reads
 * directly (logged); another department needs the supervisor's permission;
 * taking a file out, copying it or lending it outside needs the supervisor's
 * report and the manager's approval, and the file back the same day.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { calendarConfigSchema } from '../lib/calendar';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { roleNames, roles } from '../lib/roles';
import { optionalText, text } from '../lib/freeText';

export const archiveAccessProcedure = 'archiveAccess';
export const archiveAccessWorkflowId = (caseId: string): string => `archiveAccess-${caseId}`;

export const archiveAccessKinds = ['view', 'takeOut', 'copy', 'lendOutside'] as const;
export type ArchiveAccessKind = (typeof archiveAccessKinds)[number];
export const archiveAccessKindNames: Record<ArchiveAccessKind, string> = {
  view: '查阅',
  takeOut: '调出',
  copy: '复印',
  lendOutside: '外借',
};

export const archiveAccessStages = [
  'awaitingPermission', // a department's viewing: the supervisor permits it
  'awaitingSupervisorReport', // out, copy, lend: the supervisor reports it
  'awaitingManagerApproval', // ...the manager approves it
  'viewing', // a department reads, until done or the close of the day
  'out', // the file is out; back the same day
  'done', // logged, finished or returned
  'rejected',
] as const;
export type ArchiveAccessStage = (typeof archiveAccessStages)[number];

export const archiveAccessStageNames: Record<ArchiveAccessStage, string> = {
  awaitingPermission: '待主管批准查阅',
  awaitingSupervisorReport: '待主管报告',
  awaitingManagerApproval: '待经理审批',
  viewing: '查阅中',
  out: '档案外出中',
  done: '已完成',
  rejected: '未获批准',
};


export const requestArchiveAccessSchema = z.strictObject({
  unit: text(40),
  kind: z.enum(archiveAccessKinds),
  purpose: text(500),
  /** Lending outside the company: to whom. */
  recipient: text(100).optional(),
}).refine((r) => r.kind !== 'lendOutside' || r.recipient !== undefined, { message: '外借须注明借阅单位', path: ['recipient'] });
export type RequestArchiveAccess = z.infer<typeof requestArchiveAccessSchema>;

export const archiveAccessInputSchema = z.strictObject({
  caseId: text(40),
  unit: text(40),
  kind: z.enum(archiveAccessKinds),
  purpose: text(500),
  recipient: text(100).optional(),
  requestedBy: actorSchema,
  calendar: calendarConfigSchema,
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
});
export type ArchiveAccessInput = z.infer<typeof archiveAccessInputSchema>;

const decision = z.strictObject({ approved: z.boolean(), comment: optionalText(500) });

export const archiveAccessActions = {
  permit: { label: '批准查阅', input: decision, roles: ['supervisor', 'manager'], stages: ['awaitingPermission'] },
  report: {
    label: '主管报告',
    input: z.strictObject({ recommend: z.boolean(), report: text(1000) }),
    roles: ['supervisor'],
    stages: ['awaitingSupervisorReport'],
  },
  approve: { label: '经理审批', input: decision, roles: ['manager'], stages: ['awaitingManagerApproval'] },
  finishViewing: {
    label: '查阅完毕',
    input: z.strictObject({ note: optionalText(500) }),
    roles: ['department', 'csr', 'supervisor', 'manager', 'technician', 'executive'],
    stages: ['viewing'],
  },
  recordReturn: {
    label: '档案归还验收',
    input: z.strictObject({ complete: z.boolean(), note: optionalText(500) }),
    roles: ['csr', 'supervisor'],
    stages: ['out'],
  },
} as const satisfies ActionTable<ArchiveAccessStage>;
export type ArchiveAccessAction = keyof typeof archiveAccessActions;

export interface ArchiveAccessView extends CaseViewBase {
  procedure: typeof archiveAccessProcedure;
  unit: string;
  kind: ArchiveAccessKind;
  purpose: string;
  requestedBy: string;
  stage: ArchiveAccessStage;
  supervisorReport?: string;
  approvedBy?: string;
  /** Until when an approved access lets the requester read the file. */
  accessUntil?: string;
  returnedAt?: string;
  complete?: boolean;
  requestedAt: string;
}

export const archiveAccessState = defineQuery<ArchiveAccessView>('archiveAccess.state');

export const archiveAccessUpdates = actionUpdates<ArchiveAccessView, typeof archiveAccessActions>(archiveAccessProcedure, archiveAccessActions);

export type ArchiveAccessOutcome = { caseId: string; outcome: 'done' | 'rejected'; view: ArchiveAccessView };

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const archiveAccessContract = defineProcedure({
  procedure: archiveAccessProcedure,
  name: '档案借阅',
  prefix: 'DA',
  receiptName: '申请编号',
  workflowType: 'archiveAccess',
  workflowId: archiveAccessWorkflowId,
  stageNames: archiveAccessStageNames,
  actions: archiveAccessActions,
  updates: archiveAccessUpdates,
  state: archiveAccessState,
  open: { label: '申请借阅档案', roles: roles },
  openSchema: requestArchiveAccessSchema,
  startUi: {
    unit: (i: ArchiveAccessInput) => i.unit,
    summary: (i: ArchiveAccessInput) => `档案${archiveAccessKindNames[i.kind]} ${i.caseId} · ${i.unit} · ${i.requestedBy.id}`,
    details: (i: ArchiveAccessInput, { cal, now }) =>
      [
        `**档案${archiveAccessKindNames[i.kind]} ${i.caseId}** · ${i.unit}`,
        `- 申请人：${roleNames[i.requestedBy.role]} ${i.requestedBy.id}，${cal.formatLocal(now)}`,
        `- 用途：${i.purpose}`,
        i.recipient ? `- 借阅单位：${i.recipient}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  },
  systemSteps: { request: '借阅申请', viewingExpired: '查阅期限届满', close: '结案' },
  basePath: '/archives/access',
});
