/**
 * Monthly filing (DOMAIN.md §5): a Temporal Schedule (scripts/schedules.ts) runs
 * `monthlyFiling` on the 1st, which reminds the csr and the supervisor with the
 * per-household inventory and opens the month's filing case (`monthlyFilingCase`,
 * since 0.4.0): a clock the csr owns, due by the 5th, met when the csr records the
 * filing with the inventory count; missed, it goes to the supervisor.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { type BusinessCalendar, calendarConfigSchema } from '../lib/calendar';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { optionalText } from '../lib/freeText';
import { perCentre } from '../lib/stepRecord';

export const monthlyFilingScheduleId = 'monthly-filing';
export const monthlyFilingInputSchema = z.strictObject({ calendar: calendarConfigSchema });
export type MonthlyFilingInput = z.infer<typeof monthlyFilingInputSchema>;
/** The previous month's papers are filed by this day of the month (每月5日前, DOMAIN.md §5). */
export const filingDayOfMonth = 5;

export interface MonthlyFilingReport {
  month: string; // 'YYYY-MM', the month being filed
  dueBy: string; // local date 'YYYY-MM-DD'
  households: number;
  entries: number;
  lines: { unit: string; total: number; byKind: Record<string, number> }[];
}

/**
 * What is filed when, for a moment of the month it is filed in: the previous local month
 * ('YYYY-MM', its bounds [from, until)) and the local date it is due by (the 5th).
 */
export function filingPeriodOf(cal: BusinessCalendar, now: Date): { month: string; dueBy: string; from: Date; until: Date } {
  return { ...cal.previousMonthOf(now), dueBy: `${cal.localDateOf(now).slice(0, 7)}-${String(filingDayOfMonth).padStart(2, '0')}` };
}

export const monthlyFilingProcedure = 'monthlyFiling';
export const monthlyFilingWorkflowId = (caseId: string): string => `monthlyFiling-${caseId}`;
/**
 * One filing case per month and centre: GD + the local date of the 1st it opens on + FILING
 * ('GD20261201-FILING' files November in the default centre, 'GD20261201-FILING-north' in north).
 */
export const monthlyFilingCaseId = (dueBy: string, centre?: string): string => perCentre(`GD${dueBy.slice(0, 8).replace(/-/g, '')}01-FILING`, centre);

export const monthlyFilingStages = ['filing', 'filed'] as const;
export type MonthlyFilingStage = (typeof monthlyFilingStages)[number];
export const monthlyFilingStageNames: Record<MonthlyFilingStage, string> = { filing: '待归档', filed: '已归档' };

export const monthlyFilingCaseInputSchema = z.strictObject({
  caseId: z.string().min(1).max(64),
  /** The month whose papers are filed, 'YYYY-MM'. */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  /** The local date they are filed by, 'YYYY-MM-DD'. */
  dueBy: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** What the owner files gained that month, as the inventory counts it. */
  expected: z.strictObject({ households: z.number().int().min(0), entries: z.number().int().min(0) }),
  openedBy: actorSchema.optional(),
  calendar: calendarConfigSchema,
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
});
export type MonthlyFilingCaseInput = z.infer<typeof monthlyFilingCaseInputSchema>;

const count = z.number().int().min(0).max(1_000_000);

export const monthlyFilingActions = {
  recordFiling: {
    label: '登记月度归档',
    /** The filing done: how many households' files and papers were filed, as the updated inventory (客户档案资料明细表) counts them. */
    input: z.strictObject({ households: count, entries: count, note: optionalText(1000) }),
    roles: ['csr', 'supervisor'],
    stages: ['filing'],
  },
} as const satisfies ActionTable<MonthlyFilingStage>;

export interface MonthlyFilingView extends CaseViewBase {
  procedure: typeof monthlyFilingProcedure;
  month: string;
  dueBy: string;
  stage: MonthlyFilingStage;
  expected: { households: number; entries: number };
  filed?: { households: number; entries: number; note: string; by: string; at: string };
  openedAt: string;
}

export const monthlyFilingState = defineQuery<MonthlyFilingView>('monthlyFiling.state');
export const monthlyFilingUpdates = actionUpdates<MonthlyFilingView, typeof monthlyFilingActions>(monthlyFilingProcedure, monthlyFilingActions);
export type MonthlyFilingOutcome = { caseId: string; outcome: 'filed'; view: MonthlyFilingView };

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const monthlyFilingContract = defineProcedure({
  procedure: monthlyFilingProcedure,
  name: '月度归档',
  prefix: 'GD',
  receiptName: '归档编号',
  workflowType: 'monthlyFilingCase',
  workflowId: monthlyFilingWorkflowId,
  stageNames: monthlyFilingStageNames,
  actions: monthlyFilingActions,
  updates: monthlyFilingUpdates,
  state: monthlyFilingState,
  /** Opened by the schedule on the 1st; a supervisor may open the month's case by hand (the same case if it exists). */
  open: { label: '开启月度归档', roles: ['supervisor'] },
  openSchema: z.strictObject({}),
  startUi: {
    unit: () => '全部',
    summary: (i: MonthlyFilingCaseInput) => `月度归档 ${i.month} · ${i.dueBy} 前`,
    details: (i: MonthlyFilingCaseInput) => `**月度归档 ${i.month}**\n- 时限：${i.dueBy} 当日结束前\n- 明细表新增：${i.expected.households} 户 ${i.expected.entries} 份`,
  },
  systemSteps: { open: '月度归档开始', close: '结案' },
  basePath: '/filings',
});
