/**
 * The repair procedure's contract (DOMAIN.md §2): input, stages, staff actions,
 * the state query and the workflow id. Imported by the workflow, the API and
 * the tests; it does not import the workflow body.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { calendarConfigSchema, dueRuleSchema } from '../lib/calendar';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { instantInput } from '../lib/instants';
import { roleNames } from '../lib/roles';
import { clip, maskName, maskPhone } from '../lib/mask';
import { optionalText, text } from '../lib/freeText';
import { returnVisitModes } from './returnVisitSampling';

export const repairProcedure = 'repair';
export const taskQueue = 'property-service';

/** Workflow id from the business key (the receipt number, 受理编号). */
export const repairWorkflowId = (caseId: string): string => `repair-${caseId}`;

export const repairStages = [
  'awaitingFeeConfirmation', // 2. paid repair: the owner must confirm the quoted fee
  'recording', // 3. the csr fills the service record and notifies engineering (since 0.4.0)
  'dispatching', // 4. service record filled, engineering notified, waiting for a technician
  'inProgress', // 5. a technician has the job
  'awaitingReturnVisit', // 6. done; the csr must visit the owner
  'rework', // 6. the return visit found a problem
  'closed', // 7. filed in the owner's file
  'cancelled', // the owner declined the fee
] as const;
export type RepairStage = (typeof repairStages)[number];

export const repairStageNames: Record<RepairStage, string> = {
  awaitingFeeConfirmation: '待业主确认费用',
  recording: '待填写服务记录',
  dispatching: '待接单',
  inProgress: '维修中',
  awaitingReturnVisit: '待回访',
  rework: '返修中',
  closed: '已结案',
  cancelled: '已取消',
};

const fen = z.number().int().min(0).max(10_000_000);

/** 有偿维修 as the case carries it: a listed price quoted at registration (the fee from the price list), or a price agreed on site. */
export const paidRepairSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('free') }),
  z.strictObject({ kind: z.literal('listed'), item: text(100), feeFen: fen }),
  z.strictObject({ kind: z.literal('onSite') }),
]);

/** 有偿维修 as the front desk sends it: a listed repair names an item of the price list; its fee comes from the list (a fee sent must match it). */
export const openPaidRepairSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('free') }),
  z.strictObject({ kind: z.literal('listed'), item: text(100), feeFen: fen.optional() }),
  z.strictObject({ kind: z.literal('onSite') }),
]);

/** 1. Register the call or visit (来电来访登记). */
export const openRepairSchema = z.strictObject({
  unit: text(40),
  ownerName: text(40),
  ownerPhone: z.string().regex(/^[0-9+\-\s]{5,20}$/, '电话号码格式不正确'),
  fault: text(500),
  channel: z.enum(['phone', 'visit', 'online']),
  paid: openPaidRepairSchema.default({ kind: 'free' }),
});
export type OpenRepair = z.infer<typeof openRepairSchema>;

export const repairInputSchema = openRepairSchema.extend({
  paid: paidRepairSchema,
  caseId: text(40),
  receivedBy: actorSchema,
  calendar: calendarConfigSchema,
  /** Warning points as fractions of each step's allowed time (default 50% and 80%). */
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
  /** How long engineering has to take a job once notified (default '30 minutes', repair.policy.ts). */
  takeUpWithin: dueRuleSchema.optional(),
  /** Every repair visited within 2 days (default), or a monthly sample visited within 1 month (003 回访率 2, RETURN_VISITS). */
  returnVisits: z.enum(returnVisitModes).optional(),
  /** History size at which a long-unfinished case continues as new (default in repair.policy.ts). */
  continueAsNewAfterEvents: z.number().int().min(100).max(40_000).optional(),
});
export type RepairInput = z.infer<typeof repairInputSchema>;

const charge = z.strictObject({
  kind: z.enum(['labour', 'material']),
  item: text(100),
  amountFen: fen,
});

const open: RepairStage[] = ['awaitingFeeConfirmation', 'recording', 'dispatching', 'inProgress', 'awaitingReturnVisit', 'rework'];

/** Who may do what, in which stage. */
export const repairActions = {
  confirmFee: {
    label: '业主确认费用',
    input: z.strictObject({ accepted: z.boolean(), note: optionalText(500) }),
    roles: ['csr', 'supervisor'],
    stages: ['awaitingFeeConfirmation'],
  },
  fillServiceRecord: {
    label: '填写服务记录并通知工程部',
    input: z.strictObject({ note: optionalText(500) }),
    roles: ['csr', 'supervisor'],
    stages: ['recording'],
  },
  respondToOwner: {
    label: '回复业主',
    input: z.strictObject({ channel: z.enum(['phone', 'visit', 'sms', 'online']), note: text(500) }),
    roles: ['csr', 'supervisor'],
    stages: open,
  },
  takeJob: {
    label: '接单',
    input: z.strictObject({}),
    roles: ['technician'],
    stages: ['dispatching'],
  },
  declineJob: {
    label: '拒单',
    input: z.strictObject({ reason: text(300) }),
    roles: ['technician'],
    stages: ['dispatching'],
  },
  handBack: {
    label: '退单',
    input: z.strictObject({ reason: text(300) }),
    roles: ['technician'],
    stages: ['inProgress'],
  },
  reassign: {
    label: '改派',
    input: z.strictObject({ technician: text(64), reason: text(300) }),
    roles: ['supervisor', 'manager'],
    stages: ['dispatching', 'inProgress', 'rework'],
  },
  bookAppointment: {
    label: '预约维修时间',
    input: z.strictObject({ at: instantInput(), reason: text(300) }),
    roles: ['csr', 'supervisor'],
    stages: ['dispatching', 'inProgress'],
  },
  confirmOnSiteFee: {
    label: '现场确认费用',
    /** The price found on site, shown to the owner before the work; not agreed yet (since 0.4.0): the completion clock waits for the owner's answer. */
    input: z.strictObject({ item: text(100), feeFen: fen, ownerAgreed: z.boolean() }),
    roles: ['technician'],
    stages: ['inProgress'],
  },
  recordOwnerFeeAnswer: {
    label: '业主答复现场报价',
    /** Agreed: the work goes on and its clock resumes; refused: the job ends with the reason, and the csr is told. */
    input: z.strictObject({ agreed: z.boolean(), reason: optionalText(300) }),
    roles: ['technician', 'csr', 'supervisor'],
    stages: ['inProgress'],
  },
  reportUnfinished: {
    label: '报告未完工',
    input: z.strictObject({ reason: text(300) }),
    roles: ['technician'],
    stages: ['inProgress'],
  },
  recordFollowUp: {
    label: '跟进业主',
    input: z.strictObject({ note: text(500) }),
    roles: ['csr', 'supervisor'],
    stages: ['inProgress'],
  },
  reportCompletion: {
    label: '完工报告',
    /** `complex`: a complex job, always visited even when the centre visits a monthly sample. */
    input: z.strictObject({ workDone: text(1000), charges: z.array(charge).max(50).default([]), complex: z.boolean().optional() }),
    roles: ['technician'],
    stages: ['inProgress'],
  },
  recordReturnVisit: {
    label: '回访',
    input: z.strictObject({
      satisfied: z.boolean(),
      rating: z.number().int().min(1).max(5),
      feeConfirmed: z.boolean().optional(),
      problemFound: z.boolean(),
      note: optionalText(1000),
    }),
    roles: ['csr', 'supervisor', 'manager'],
    stages: ['awaitingReturnVisit'],
  },
  requestReworkExtension: {
    label: '申请延期返修',
    /** 如无特殊原因: the special reason, and the moment the rework can be done by instead. */
    input: z.strictObject({ reason: text(500), until: instantInput() }),
    roles: ['technician'],
    stages: ['rework'],
  },
  decideReworkExtension: {
    label: '审批延期返修',
    input: z.strictObject({ approved: z.boolean(), comment: optionalText(500) }),
    roles: ['supervisor'],
    stages: ['rework'],
  },
  reportReworkDone: {
    label: '返修完成',
    input: z.strictObject({ workDone: text(1000) }),
    roles: ['technician'],
    stages: ['rework'],
  },
} as const satisfies ActionTable<RepairStage>;

export type RepairAction = keyof typeof repairActions;
export const repairActionNames = Object.keys(repairActions) as RepairAction[];
export type RepairActionInput<A extends RepairAction> = z.infer<(typeof repairActions)[A]['input']>;

export interface RepairView extends CaseViewBase {
  procedure: typeof repairProcedure;
  unit: string;
  ownerName: string;
  fault: string;
  stage: RepairStage;
  firstReceiver: string;
  appointmentAt?: string;
  quote?: { item: string; feeFen: number; accepted?: boolean; onSite?: boolean; refusedReason?: string };
  /** Registered since 0.4.0: the csr fills the service record (5 minutes), then engineering takes the job (its own clock). */
  serviceRecordByCsr?: boolean;
  /** Under the monthly sample: the month whose sample of work orders this job went into instead of a visit of its own. */
  sampledMonth?: string;
  /** The rework's special reason and the later due moment asked for; the supervisor's decision. */
  reworkExtension?: { reason: string; until: string; requestedBy: string; decision?: { approved: boolean; by: string; comment: string } };
  chargesFen: number;
  returnVisits: number;
  reworks: number;
  followUps: number;
  declinedBy: string[];
  registeredAt: string;
}

export const repairState = defineQuery<RepairView>('repair.state');

export const repairUpdates = actionUpdates<RepairView, typeof repairActions>(repairProcedure, repairActions);

export type RepairOutcome = { caseId: string; outcome: 'closed' | 'cancelled'; view: RepairView };

const repairChannelNames: Record<RepairInput['channel'], string> = { phone: '来电', visit: '来访', online: '网上报修' };

function describePaid(paid: RepairInput['paid']): string {
  switch (paid.kind) {
    case 'free':
      return '无偿维修';
    case 'listed':
      return `有偿维修（标价）：${paid.item}，${(paid.feeFen / 100).toFixed(2)}元，待业主确认`;
    case 'onSite':
      return '有偿维修（现场定价）';
  }
}

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const repairContract = defineProcedure({
  procedure: repairProcedure,
  name: '报修',
  prefix: 'BX',
  workflowType: 'repairRequest',
  workflowId: repairWorkflowId,
  stageNames: repairStageNames,
  actions: repairActions,
  updates: repairUpdates,
  state: repairState,
  open: { label: '登记报修', roles: ['csr', 'supervisor'] },
  openSchema: openRepairSchema,
  startUi: {
    unit: (i: RepairInput) => i.unit,
    summary: (i: RepairInput) => `报修 ${i.caseId} · ${i.unit} · ${clip(i.fault, 60)}`,
    details: (i: RepairInput, { cal, now }) =>
      [
        `**报修 ${i.caseId}** · ${i.unit}`,
        '',
        `- 故障：${clip(i.fault, 200)}`,
        `- 业主：${maskName(i.ownerName)}（${maskPhone(i.ownerPhone)}）`,
        `- 来源：${repairChannelNames[i.channel]}`,
        `- 费用：${describePaid(i.paid)}`,
        `- 登记：${roleNames[i.receivedBy.role]} ${i.receivedBy.id}，${cal.formatLocal(now)}`,
      ].join('\n'),
  },
  systemSteps: { register: '来电来访登记', quoteFee: '有偿维修报价', dispatch: '派工', toMonthlySample: '纳入月度抽样回访', completionOverdue: '当日未完工', close: '结案' },
  basePath: '/repairs',
});
