/**
 * 维修抽样回访 (003 回访率 2; DOMAIN.md §2 "Configuration", RETURN_VISITS=monthlySample):
 * on the 1st a Temporal Schedule draws the previous month's sample of repair work
 * orders (reproducibly, by the manual's bands) and opens one case for its visits, due
 * within 1 month; each sampled order is visited once; a visit that finds the owner
 * unsatisfied or a problem is 回访不合格, told to the supervisor and engineering.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { calendarConfigSchema } from '../lib/calendar';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { text } from '../lib/freeText';
import { repairActions } from '../repair/repair.messages';
import { perCentre } from '../lib/stepRecord';

export const repairVisitSampleScheduleId = 'repair-visit-sample';
export const repairVisitSamplingInputSchema = z.strictObject({ calendar: calendarConfigSchema });
export type RepairVisitSamplingInput = z.infer<typeof repairVisitSamplingInputSchema>;

export const repairVisitSampleProcedure = 'repairVisitSample';
export const repairVisitSampleWorkflowId = (caseId: string): string => `repairVisitSample-${caseId}`;
/** One sample per month and centre: HF + the 1st of the month it is drawn in + SAMPLE ('HF20261201-SAMPLE' visits November's; `-<centre>` outside the default centre). */
export const repairVisitSampleCaseId = (drawnOn: string, centre?: string): string => perCentre(`HF${drawnOn.slice(0, 7).replace(/-/g, '')}01-SAMPLE`, centre);

export const repairVisitSampleStages = ['visiting', 'visited'] as const;
export type RepairVisitSampleStage = (typeof repairVisitSampleStages)[number];
export const repairVisitSampleStageNames: Record<RepairVisitSampleStage, string> = { visiting: '待抽样回访', visited: '已回访' };

const order = z.strictObject({ caseId: z.string().min(1).max(40), unit: z.string(), fault: z.string() });
export type SampledOrder = z.infer<typeof order>;

export const repairVisitSampleInputSchema = z.strictObject({
  caseId: z.string().min(1).max(64),
  /** The month of the work orders, 'YYYY-MM'. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  /** How many work orders the month had (the pool the sample was drawn from). */
  orders: z.number().int().min(0),
  sample: z.array(order).max(20),
  openedBy: actorSchema.optional(),
  calendar: calendarConfigSchema,
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
});
export type RepairVisitSampleInput = z.infer<typeof repairVisitSampleInputSchema>;

export const repairVisitSampleActions = {
  recordSampledVisit: {
    label: '抽样回访',
    /** One sampled work order's return visit: as a repair's (the process, the fee, the result). */
    input: repairActions.recordReturnVisit.input.extend({ order: text(40) }),
    roles: ['csr', 'supervisor', 'manager'],
    stages: ['visiting'],
  },
} as const satisfies ActionTable<RepairVisitSampleStage>;

export interface RepairVisitSampleView extends CaseViewBase {
  procedure: typeof repairVisitSampleProcedure;
  stage: RepairVisitSampleStage;
  month: string;
  orders: number;
  sample: SampledOrder[];
  visits: { order: string; satisfied: boolean; problemFound: boolean; by: string; at: string }[];
  openedAt: string;
}

export const repairVisitSampleState = defineQuery<RepairVisitSampleView>('repairVisitSample.state');
export const repairVisitSampleUpdates = actionUpdates<RepairVisitSampleView, typeof repairVisitSampleActions>(repairVisitSampleProcedure, repairVisitSampleActions);
export type RepairVisitSampleOutcome = { caseId: string; outcome: 'visited'; view: RepairVisitSampleView };

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const repairVisitSampleContract = defineProcedure({
  procedure: repairVisitSampleProcedure,
  name: '维修抽样回访',
  prefix: 'HF',
  receiptName: '抽样编号',
  workflowType: 'repairVisitSample',
  workflowId: repairVisitSampleWorkflowId,
  stageNames: repairVisitSampleStageNames,
  actions: repairVisitSampleActions,
  updates: repairVisitSampleUpdates,
  state: repairVisitSampleState,
  /** Drawn by the schedule on the 1st; a supervisor may draw the month's sample by hand (the same case if it is drawn). */
  open: { label: '抽取维修回访样本', roles: ['supervisor'] },
  openSchema: z.strictObject({}),
  startUi: {
    unit: () => '全部',
    summary: (i: RepairVisitSampleInput) => `维修抽样回访 ${i.month} · ${i.sample.length}/${i.orders} 单`,
    details: (i: RepairVisitSampleInput) => `**维修抽样回访 ${i.month}**\n- 派工单：${i.orders} 张，抽样：${i.sample.length} 张\n- 时限：抽样后 1 个月内`,
  },
  systemSteps: { open: '抽取样本', close: '结案' },
  basePath: '/return-visit-samples',
});
