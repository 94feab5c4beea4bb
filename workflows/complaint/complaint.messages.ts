/**
 * The complaint procedure's contract (DOMAIN.md §3): input, stages, staff
 * actions with the roles that may take them, the state query, the workflow id.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { calendarConfigSchema } from '../lib/calendar';
import { instantInput } from '../lib/instants';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { maskName, maskPhone } from '../lib/mask';
import { roleNames } from '../lib/roles';
import { caseRepeat } from '../lib/searchAttributes';
import { optionalText, text } from '../lib/freeText';

export const complaintProcedure = 'complaint';
export const complaintWorkflowId = (caseId: string): string => `complaint-${caseId}`;

export const complaintStages = [
  'verifying', // 2. the first receiver judges whether it is valid
  'grading', // 3. the supervisor grades it
  'handling', // 4. being handled (in scope, or by the department it was transferred to)
  'awaitingSignOff', // 4. complex: the level above signs off the answer
  'replying', // 5. reply to the customer, ask whether satisfied
  'awaitingReturnVisit', // 6. return visit; unsatisfied: back to handling (回访不合格)
  'awaitingAnalysis', // 11. the supervisor records the cause and prevention (since 0.4.0)
  'closed', // 7. filed in the owner's file
  'invalid', // 2. not valid: explained, recorded, closed
] as const;
export type ComplaintStage = (typeof complaintStages)[number];

export const complaintStageNames: Record<ComplaintStage, string> = {
  verifying: '待核实',
  grading: '待定级',
  handling: '处理中',
  awaitingSignOff: '待上级审核',
  replying: '待答复客户',
  awaitingReturnVisit: '待回访',
  awaitingAnalysis: '待原因分析',
  closed: '已结案',
  invalid: '无效投诉',
};

export const grades = ['general', 'complex', 'major'] as const;
export type Grade = (typeof grades)[number];
export const gradeNames: Record<Grade, string> = { general: '一般', complex: '复杂', major: '重大' };

/**
 * At any grade, what goes to company leadership (应上报公司领导解决): a claim for
 * compensation (经济赔偿/补偿) or a complaint against the centre's manager.
 */
export const companyLevelReasons = ['compensation', 'againstManager'] as const;
export type CompanyLevelReason = (typeof companyLevelReasons)[number];
export const companyLevelNames: Record<CompanyLevelReason, string> = { compensation: '涉及经济赔偿/补偿', againstManager: '针对项目经理的投诉' };


/** 1. Receive and log it. `matter` names what it is about, so a repeat can be recognised. */
export const openComplaintSchema = z.strictObject({
  unit: text(40),
  customerName: text(40),
  customerPhone: z.string().regex(/^[0-9+\-\s]{5,20}$/, '电话号码格式不正确'),
  channel: z.enum(['phone', 'visit', 'letter', 'online']),
  matter: text(60),
  content: text(2000),
  /** 首问承诺: when the receiver promised the customer an answer; a deadline of its own. */
  promisedReplyAt: instantInput().optional(),
});
export type OpenComplaint = z.infer<typeof openComplaintSchema>;

export const complaintInputSchema = openComplaintSchema.extend({
  caseId: text(40),
  receivedBy: actorSchema,
  calendar: calendarConfigSchema,
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
  /** An earlier complaint from the same unit about the same matter (found by the API at intake). */
  repeatOf: text(40).optional(),
});
export type ComplaintInput = z.infer<typeof complaintInputSchema>;

const open: ComplaintStage[] = [
  'grading',
  'handling',
  'awaitingSignOff',
  'replying',
  'awaitingReturnVisit',
];

export const complaintActions = {
  verify: {
    label: '核实投诉',
    input: z.discriminatedUnion('valid', [
      z.strictObject({ valid: z.literal(true), note: optionalText(500) }),
      z.strictObject({
        valid: z.literal(false),
        reason: z.enum(['unreasonable', 'outsideService']),
        explanation: text(1000),
      }),
    ]),
    roles: ['csr', 'supervisor'],
    stages: ['verifying'],
  },
  respond: {
    label: '回复客户',
    input: z.strictObject({ channel: z.enum(['phone', 'visit', 'letter', 'online']), note: text(500) }),
    roles: ['csr', 'supervisor', 'manager'],
    stages: ['verifying', ...open],
  },
  grade: {
    label: '投诉定级',
    input: z.strictObject({
      grade: z.enum(grades),
      route: z.enum(['inScope', 'transferred']),
      department: text(40).optional(),
      method: text(1000),
      /** Compensation claimed, or a complaint against the manager: company leadership handles it, whatever the grade. */
      companyLevel: z.enum(companyLevelReasons).optional(),
    }).refine((g) => g.route === 'inScope' || (g.department ?? '') !== '', {
      message: '转交其他部门时须注明部门',
      path: ['department'],
    }),
    roles: ['supervisor'],
    stages: ['grading'],
  },
  recordCorrectivePlan: {
    label: '制定纠正措施',
    input: z.strictObject({ plan: text(2000) }),
    roles: ['executive'],
    stages: ['handling'],
  },
  recordHandling: {
    label: '处理结果',
    input: z.strictObject({ resolution: text(2000) }),
    roles: ['csr', 'supervisor', 'department', 'manager'],
    stages: ['handling'],
  },
  signOff: {
    label: '上级审核答复',
    input: z.strictObject({ approved: z.boolean(), comment: optionalText(1000) }),
    roles: ['manager', 'executive'],
    stages: ['awaitingSignOff'],
  },
  replyToCustomer: {
    label: '答复客户',
    input: z.strictObject({
      channel: z.enum(['phone', 'visit', 'letter', 'online']),
      satisfied: z.boolean(),
      note: optionalText(1000),
    }),
    roles: ['csr', 'supervisor', 'manager'],
    stages: ['replying'],
  },
  recordReturnVisit: {
    label: '投诉回访',
    input: z.strictObject({ satisfied: z.boolean(), note: optionalText(1000) }),
    roles: ['csr', 'supervisor', 'manager', 'executive'],
    stages: ['awaitingReturnVisit'],
  },
  promiseReply: {
    label: '承诺答复时间',
    /** Sets the answer promised to the customer (首问承诺), or changes it: a change needs the reason and is reported to the supervisor at once. */
    input: z.strictObject({ at: instantInput(), reason: optionalText(500) }),
    roles: ['csr', 'supervisor'],
    stages: ['verifying', 'grading', 'handling', 'awaitingSignOff', 'replying'],
  },
  closeUnresolved: {
    label: '经理决定结案',
    input: z.strictObject({ reason: text(1000) }),
    roles: ['manager'],
    stages: ['handling', 'replying', 'awaitingReturnVisit'],
    anytime: true,
  },
  recordAnalysis: {
    label: '原因分析与预防措施',
    input: z.strictObject({
      cause: text(1000),
      prevention: text(1000),
      /** Kept as a case study (形成案例), listed in the monthly report. */
      caseStudy: z.boolean().default(false),
      /** Major complaints: the corrective-action report (纠正措施报告) and the company-wide notice (全公司公告). */
      correctiveReport: optionalText(2000),
      companyNotice: optionalText(2000),
    }),
    roles: ['supervisor'],
    stages: ['awaitingAnalysis'],
  },
} as const satisfies ActionTable<ComplaintStage>;

export type ComplaintAction = keyof typeof complaintActions;

export interface ComplaintView extends CaseViewBase {
  procedure: typeof complaintProcedure;
  unit: string;
  matter: string;
  stage: ComplaintStage;
  firstReceiver: string;
  grade?: Grade;
  route?: 'inScope' | 'transferred';
  department?: string;
  method?: string;
  /** Rounds of handling (a dissatisfied customer sends it back). */
  round: number;
  repeatOf?: string;
  invalidReason?: string;
  correctivePlan?: string;
  resolution?: string;
  satisfied?: boolean;
  receivedAt: string;
  /** Logged since 0.4.0: 一跟到底 (an unsatisfied visit reopens handling), analysis before closing, company-level routing. */
  rules040?: boolean;
  /** Why company leadership handles it (any grade). */
  companyLevel?: CompanyLevelReason;
  /** 首问承诺: the answer promised to the customer by then. */
  promisedReplyAt?: string;
  /** Return visits that found the customer unsatisfied (回访不合格). */
  unsatisfiedVisits?: number;
  /** The manager closed it with the customer still not satisfied, for this reason. */
  unresolvedReason?: string;
  analysis?: { cause: string; prevention: string; caseStudy: boolean; correctiveReport?: string; companyNotice?: string; by: string };
}

export const complaintState = defineQuery<ComplaintView>('complaint.state');

export const complaintUpdates = actionUpdates<ComplaintView, typeof complaintActions>(complaintProcedure, complaintActions);

export type ComplaintOutcome = { caseId: string; outcome: 'closed' | 'invalid'; view: ComplaintView };

const complaintChannelNames: Record<ComplaintInput['channel'], string> = { phone: '来电', visit: '来访', letter: '来信', online: '网上' };

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const complaintContract = defineProcedure({
  procedure: complaintProcedure,
  name: '投诉',
  prefix: 'TS',
  workflowType: 'customerComplaint',
  workflowId: complaintWorkflowId,
  stageNames: complaintStageNames,
  actions: complaintActions,
  updates: complaintUpdates,
  state: complaintState,
  open: { label: '受理投诉', roles: ['csr', 'supervisor'] },
  openSchema: openComplaintSchema,
  startUi: {
    unit: (i: ComplaintInput) => i.unit,
    summary: (i: ComplaintInput) => `投诉 ${i.caseId} · ${i.unit} · ${i.matter}${i.repeatOf ? ' · 重复投诉' : ''}`,
    details: (i: ComplaintInput, { cal, now }) =>
      [
        `**投诉 ${i.caseId}** · ${i.unit}`,
        `- 事项：${i.matter}`,
        `- 内容：${i.content}`,
        `- 投诉人：${maskName(i.customerName)}（${maskPhone(i.customerPhone)}）`,
        `- 方式：${complaintChannelNames[i.channel]}`,
        `- 首问责任人：${roleNames[i.receivedBy.role]} ${i.receivedBy.id}，${cal.formatLocal(now)}`,
        i.repeatOf ? `- 重复投诉，前次：${i.repeatOf}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    searchAttributes: (i: ComplaintInput) => [{ key: caseRepeat, value: i.repeatOf !== undefined }],
  },
  systemSteps: { receive: '投诉受理', close: '结案' },
  basePath: '/complaints',
});
