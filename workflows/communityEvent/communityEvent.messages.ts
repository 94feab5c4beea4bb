/**
 * The community event's contract (DOMAIN.md §6): input, stages, staff actions
 * with the roles that may take them, the state query, the workflow id.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { calendarConfigSchema } from '../lib/calendar';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { localDateInput } from '../lib/instants';
import { optionalText, text } from '../lib/freeText';


/** The procedure's name; other layers read it as `communityEventContract.procedure`. */
const procedure = 'communityEvent';
export const communityEventWorkflowId = (caseId: string): string => `communityEvent-${caseId}`;

export const communityEventStages = [
  'drafting', // 2. the event plan (活动方案) is written (again, after a send-back)
  'centreReview', // 2. reviewed by the service centre
  'companyApproval', // 2. approved by the company
  'approved', // 3. departments prepare; waiting for the event date
  'running', // 3. the event date
  'followUp', // 4.–5. summary and return visits
  'closed',
  'notHeld', // the plan was not approved by the event date
] as const;
export type CommunityEventStage = (typeof communityEventStages)[number];

export const communityEventStageNames: Record<CommunityEventStage, string> = {
  drafting: '编写活动方案',
  centreReview: '服务中心审核',
  companyApproval: '公司审批',
  approved: '已批准，筹备中',
  running: '活动进行中',
  followUp: '总结与回访',
  closed: '已结束',
  notHeld: '未举办',
};


/** One event of the year's plan. */
export const plannedEventSchema = z.strictObject({
  title: text(80),
  /** The event's local date: tomorrow at the earliest, two years ahead at the latest. */
  date: localDateInput({ fromDays: 1, aheadYears: 2 }),
  description: optionalText(1000),
});
export type PlannedEvent = z.infer<typeof plannedEventSchema>;

/** A year's plan as the front desk files it: one case per event. */
export const communityEventPlanSchema = z.strictObject({ events: z.array(plannedEventSchema).min(1).max(100) });

export const communityEventInputSchema = plannedEventSchema.extend({
  caseId: text(40),
  /** The annual plan this event belongs to. */
  planId: text(40),
  compiledBy: actorSchema,
  calendar: calendarConfigSchema,
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
});
export type CommunityEventInput = z.infer<typeof communityEventInputSchema>;

const decision = z.strictObject({ approved: z.boolean(), comments: optionalText(1000) }).refine(
  (d) => d.approved || d.comments !== '',
  { message: '退回修改时须写明意见', path: ['comments'] },
);

export const communityEventActions = {
  submitPlan: {
    label: '提交活动方案',
    input: z.strictObject({ plan: text(5000) }),
    roles: ['csr', 'supervisor'],
    stages: ['drafting'],
  },
  reviewPlan: {
    label: '服务中心审核',
    input: decision,
    roles: ['supervisor', 'manager'],
    stages: ['centreReview'],
  },
  approvePlan: {
    label: '公司审批',
    input: decision,
    roles: ['executive'],
    stages: ['companyApproval'],
  },
  recordParticipants: {
    label: '登记参加人员',
    input: z.strictObject({ participants: z.array(text(60)).min(1).max(5000) }),
    roles: ['csr', 'supervisor'],
    stages: ['running', 'followUp'],
  },
  recordSummary: {
    label: '活动总结',
    input: z.strictObject({ summary: text(5000) }),
    roles: ['csr', 'supervisor'],
    stages: ['followUp'],
  },
  recordEventReturnVisit: {
    label: '活动回访',
    input: z.strictObject({ participant: text(60), answer: text(1000) }),
    roles: ['csr', 'supervisor', 'manager'],
    stages: ['followUp'],
  },
} as const satisfies ActionTable<CommunityEventStage>;

export type CommunityEventAction = keyof typeof communityEventActions;

export interface CommunityEventView extends CaseViewBase {
  procedure: typeof procedure;
  planId: string;
  title: string;
  date: string;
  stage: CommunityEventStage;
  plan?: string;
  /** Send-backs so far, with who sent it back and why. */
  revisions: { by: string; level: 'centre' | 'company'; comments: string }[];
  notHeldReason?: string;
  participants: string[];
  /** The participants chosen for a return visit (10%, at least one, reproducible). */
  returnVisitSample: string[];
  returnVisits: { participant: string; answer: string; by: string }[];
  summary?: string;
  /** The first-responsible staff member (the case row's `firstReceiver`); changes hands on reassignment. */
  firstReceiver: string;
  openedAt: string;
}

export const communityEventState = defineQuery<CommunityEventView>('communityEvent.state');

export const communityEventUpdates = actionUpdates<CommunityEventView, typeof communityEventActions>(procedure, communityEventActions);

export type CommunityEventOutcome = { caseId: string; outcome: 'closed' | 'notHeld'; view: CommunityEventView };

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const communityEventContract = defineProcedure({
  procedure,
  name: '社区活动',
  prefix: 'HD',
  receiptName: '活动编号',
  workflowType: 'communityEvent',
  workflowId: communityEventWorkflowId,
  stageNames: communityEventStageNames,
  actions: communityEventActions,
  updates: communityEventUpdates,
  state: communityEventState,
  open: { label: '编制年度活动计划', roles: ['csr', 'supervisor'] },
  openSchema: communityEventPlanSchema,
  startUi: {
    unit: () => '社区',
    summary: (i: CommunityEventInput) => `社区活动 ${i.caseId} · ${i.date} · ${i.title}`,
    details: (i: CommunityEventInput) => `**社区活动 ${i.caseId}** · ${i.title}\n- 日期：${i.date}\n- 年度计划：${i.planId}\n- 编制：${i.compiledBy.id}`,
  },
  systemSteps: { plan: '列入年度活动计划', notHeld: '活动未举办', run: '活动举办', followUp: '活动后续', close: '结束' },
  basePath: '/events',
  openPath: '/plans',
});
