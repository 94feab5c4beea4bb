/**
 * The move-in procedure's contract (DOMAIN.md §1): input, the five steps and
 * their checklists, staff actions with the roles that may take them, the state
 * query, the workflow id. Imported by the workflow, the API and the tests.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { calendarConfigSchema } from '../lib/calendar';
import { keyPartSchema } from '../keys/keyRegister';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { maskName, maskPhone } from '../lib/mask';
import { roleNames } from '../lib/roles';
import { text } from '../lib/freeText';

export const moveInProcedure = 'moveIn';
export const moveInWorkflowId = (caseId: string): string => `moveIn-${caseId}`;
/** The repair case a defect found at inspection opens (遗留工程): receipt number derived from the move-in's. */
export const defectCaseIdOf = (moveInCaseId: string, n: number): string => `${moveInCaseId}-D${n}`;

/** The steps in the manual's order; the case's stage is the step in hand, then `completed`. */
export const moveInSteps = ['identity', 'fees', 'itemsAndKeys', 'inspection', 'archive'] as const;
export type MoveInStep = (typeof moveInSteps)[number];
export const moveInStages = [...moveInSteps, 'completed'] as const;
export type MoveInStage = (typeof moveInStages)[number];

export const moveInStageNames: Record<MoveInStage, string> = {
  identity: '身份与资料',
  fees: '缴费',
  itemsAndKeys: '物品与钥匙',
  inspection: '验房',
  archive: '归档',
  completed: '已办结',
};

/** Every checklist item of every step; `when` says which apply only to some owners. */
export const checklist = {
  identity: {
    moveInNotice: { name: '入住通知书（存档）' },
    purchaseContract: { name: '购房合同（验原件、复印件存档）' },
    ownerId: { name: '业主身份证（验原件、复印件存档）' },
    powerOfAttorney: { name: '授权委托书（原件存档）', when: 'delegate' },
    delegateId: { name: '受托人身份证（复印件存档）', when: 'delegate' },
    registrationForm: { name: '业主登记表及附表' },
    managementCovenant: { name: '临时管理规约（签署承诺书存档）' },
    parkingAgreement: { name: '车位管理协议（签署）', when: 'parking' },
  },
  fees: {
    maintenanceFund: { name: '专项维修资金' },
    propertyServiceFee: { name: '物业服务费' },
    garbageFee: { name: '生活垃圾处置费' },
    parkingFee: { name: '车位管理费', when: 'parking' },
  },
  itemsAndKeys: {
    welcomeGift: { name: '入住礼品' },
    itemsReceipt: { name: '物品签收单' },
    keyCustody: { name: '钥匙托管登记' },
  },
  inspection: {
    inspectionForm: { name: '验房表（业主签字）' },
  },
  archive: {
    routingSlip: { name: '入住流转单（归入业主档案）' },
  },
} as const satisfies Record<MoveInStep, Record<string, { name: string; when?: 'delegate' | 'parking' }>>;

export type ChecklistItem<S extends MoveInStep = MoveInStep> = keyof (typeof checklist)[S] & string;

const fen = z.number().int().min(0).max(100_000_000);
/** Evidence of a checked item: the document or receipt number (who checked it is the actor). */
const ref = text(60);

const itemsOf = <S extends MoveInStep>(step: S) => Object.keys(checklist[step]) as [ChecklistItem<S>, ...ChecklistItem<S>[]];

/** Keys the owner leaves with the centre: they go into the key cabinet. */
export const entrustedKeySchema = z.strictObject({ part: keyPartSchema, label: text(60) });

export const recordItemSchema = z.discriminatedUnion('step', [
  z.strictObject({ step: z.literal('identity'), item: z.enum(itemsOf('identity')), evidence: z.strictObject({ ref, note: text(500).optional() }) }),
  z.strictObject({ step: z.literal('fees'), item: z.enum(itemsOf('fees')), evidence: z.strictObject({ ref, amountFen: fen, note: text(500).optional() }) }),
  z.strictObject({
    step: z.literal('itemsAndKeys'),
    item: z.enum(itemsOf('itemsAndKeys')),
    evidence: z.strictObject({ ref, keys: z.array(entrustedKeySchema).max(20).optional(), note: text(500).optional() }),
  }),
  z.strictObject({ step: z.literal('inspection'), item: z.enum(itemsOf('inspection')), evidence: z.strictObject({ ref, note: text(500).optional() }) }),
  z.strictObject({ step: z.literal('archive'), item: z.enum(itemsOf('archive')), evidence: z.strictObject({ ref, note: text(500).optional() }) }),
]);
export type RecordItem = z.infer<typeof recordItemSchema>;

/** Opening a move-in at the front desk. */
export const openMoveInSchema = z.strictObject({
  unit: text(40),
  ownerName: text(40),
  ownerPhone: z.string().regex(/^[0-9+\-\s]{5,20}$/, '电话号码格式不正确'),
  /** Someone acts for the owner: power of attorney and the delegate's ID are then required. */
  delegate: z.strictObject({ name: text(40) }).optional(),
  /** The owner's underground parking space: the parking agreement and fee are then required. */
  parkingSpace: text(40).optional(),
});
export type OpenMoveIn = z.infer<typeof openMoveInSchema>;

export const moveInInputSchema = openMoveInSchema.extend({
  caseId: text(40),
  receivedBy: actorSchema,
  calendar: calendarConfigSchema,
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
});
export type MoveInInput = z.infer<typeof moveInInputSchema>;

const open = [...moveInSteps];

export const moveInActions = {
  recordItem: {
    label: '登记核验事项',
    input: recordItemSchema,
    roles: ['csr', 'supervisor'],
    stages: open,
  },
  completeStep: {
    label: '完成本步骤',
    input: z.strictObject({ step: z.enum(moveInSteps) }),
    roles: ['csr', 'supervisor'],
    stages: open,
  },
  recordDefect: {
    label: '登记验房问题',
    input: z.strictObject({ description: text(500) }),
    roles: ['csr', 'supervisor'],
    stages: ['inspection'],
  },
} as const satisfies ActionTable<MoveInStage>;

export type MoveInAction = keyof typeof moveInActions;

export interface ItemEvidence {
  ref: string;
  checkedBy: string;
  at: string;
  amountFen?: number;
  keys?: { part: string; label: string }[];
  note?: string;
}

export interface MoveInDefect {
  n: number;
  description: string;
  repairCaseId: string;
  /** The repair's result has arrived (closed or cancelled). */
  finished: boolean;
}

export interface MoveInView extends CaseViewBase {
  procedure: typeof moveInProcedure;
  unit: string;
  ownerName: string;
  delegate?: string;
  parkingSpace?: string;
  stage: MoveInStage;
  /** Per step: required item → its evidence, once recorded. */
  items: Record<MoveInStep, Record<string, ItemEvidence>>;
  /** Per step: the items this move-in requires. */
  required: Record<MoveInStep, string[]>;
  completedSteps: MoveInStep[];
  defects: MoveInDefect[];
  /** The first-responsible staff member (the case row's `firstReceiver`); changes hands on reassignment. */
  firstReceiver: string;
  openedAt: string;
}

export const moveInState = defineQuery<MoveInView>('moveIn.state');

export const moveInUpdates = actionUpdates<MoveInView, typeof moveInActions>(moveInProcedure, moveInActions);

export type MoveInOutcome = {
  caseId: string;
  outcome: 'completed';
  /** Repair cases opened at inspection whose result had not arrived when the move-in completed. */
  openRepairs: string[];
  view: MoveInView;
};

/** The items a move-in requires at a step, given whether a delegate acts and whether there is a parking space. */
export function requiredItems(step: MoveInStep, o: { delegate: boolean; parking: boolean }): string[] {
  return Object.entries(checklist[step] as Record<string, { when?: 'delegate' | 'parking' }>)
    .filter(([, rule]) => rule.when === undefined || (rule.when === 'delegate' ? o.delegate : o.parking))
    .map(([item]) => item);
}

/** The owner as the front desk names them (with the delegate who came for them). */
const moveInOwner = (i: MoveInInput) => `${maskName(i.ownerName)}${i.delegate ? `（受托人 ${maskName(i.delegate.name)}）` : ''}`;

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const moveInContract = defineProcedure({
  procedure: moveInProcedure,
  name: '入住办理',
  prefix: 'RZ',
  receiptName: '入住编号',
  workflowType: 'moveIn',
  workflowId: moveInWorkflowId,
  stageNames: moveInStageNames,
  actions: moveInActions,
  updates: moveInUpdates,
  state: moveInState,
  open: { label: '办理入住', roles: ['csr', 'supervisor'] },
  openSchema: openMoveInSchema,
  startUi: {
    unit: (i: MoveInInput) => i.unit,
    summary: (i: MoveInInput) => `入住办理 ${i.caseId} · ${i.unit} · ${moveInOwner(i)}`,
    details: (i: MoveInInput, { cal, now }) =>
      [
        `**入住办理 ${i.caseId}** · ${i.unit}`,
        `- 业主：${moveInOwner(i)}，${maskPhone(i.ownerPhone)}`,
        i.parkingSpace ? `- 地下车位：${i.parkingSpace}` : '',
        `- 受理：${roleNames[i.receivedBy.role]} ${i.receivedBy.id}，${cal.formatLocal(now)}`,
      ]
        .filter(Boolean)
        .join('\n'),
  },
  systemSteps: { open: '入住受理', file: '入住资料归档', close: '办结' },
  basePath: '/move-ins',
});
