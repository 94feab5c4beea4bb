/**
 * The key loan's contract (DOMAIN.md §4): input, stages, staff actions with the
 * roles that may take them, the state query, the workflow id.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { calendarConfigSchema } from '../lib/calendar';
import { keyIdSchema } from './keyRegister';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { roleNames } from '../lib/roles';
import { optionalText, text } from '../lib/freeText';

export const keyLoanProcedure = 'keyLoan';
export const keyLoanWorkflowId = (caseId: string): string => `keyLoan-${caseId}`;

export const keyLoanStages = [
  'awaitingUnsealApproval', // a sealed key: the supervisor approves the reason first
  'awaitingEmergencyApproval', // an emergency: the manager approves the use first
  'onLoan', // out; due back the same day
  'awaitingPaperwork', // an emergency key is back, its paperwork is not yet
  'returned', // back, checked, recorded
  'rejected', // unsealing or the emergency use was refused
  'refused', // the register would not lend it (already out, lost, damaged)
] as const;
export type KeyLoanStage = (typeof keyLoanStages)[number];

export const keyLoanStageNames: Record<KeyLoanStage, string> = {
  awaitingUnsealApproval: '待主管批准启封',
  awaitingEmergencyApproval: '待经理批准紧急用钥',
  onLoan: '借出中',
  awaitingPaperwork: '待补办手续',
  returned: '已归还',
  rejected: '未获批准',
  refused: '不能借出',
};

export const emergencyKinds = ['burstWater', 'electricalLeak', 'alarm'] as const;
export const emergencyNames: Record<(typeof emergencyKinds)[number], string> = {
  burstWater: '爆水管',
  electricalLeak: '漏电',
  alarm: '室内报警',
};


/** Requested at the front desk: the borrower fills the loan record and signs; an emergency signs afterwards. */
export const requestKeyLoanSchema = z.union([
  z.strictObject({
    keyId: keyIdSchema,
    borrower: text(40),
    purpose: text(200),
    signatureRef: text(200),
  }),
  z.strictObject({
    keyId: keyIdSchema,
    borrower: text(40).optional(),
    purpose: text(200).optional(),
    emergency: z.strictObject({ kind: z.enum(emergencyKinds), note: text(500) }),
  }),
]);
export type RequestKeyLoan = z.infer<typeof requestKeyLoanSchema>;

export const keyLoanInputSchema = z.strictObject({
  caseId: text(40),
  keyId: keyIdSchema,
  unit: text(40),
  part: text(24),
  borrower: text(40),
  purpose: text(200),
  signatureRef: text(200).optional(),
  emergency: z.strictObject({ kind: z.enum(emergencyKinds), note: text(500) }).optional(),
  /** The key was sealed in the register when the loan was requested. */
  sealed: z.boolean(),
  requestedBy: actorSchema,
  calendar: calendarConfigSchema,
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
});
export type KeyLoanInput = z.infer<typeof keyLoanInputSchema>;

export const keyLoanActions = {
  approveUnseal: {
    label: '审批启封',
    input: z.strictObject({ approved: z.boolean(), reason: text(500) }),
    roles: ['supervisor', 'manager'],
    stages: ['awaitingUnsealApproval'],
  },
  approveEmergency: {
    label: '审批紧急用钥',
    input: z.strictObject({ approved: z.boolean(), note: optionalText(500) }),
    roles: ['manager'],
    stages: ['awaitingEmergencyApproval'],
  },
  completePaperwork: {
    label: '补办借用手续',
    input: z.strictObject({ borrower: text(40), purpose: text(200), signatureRef: text(200) }),
    roles: ['csr', 'supervisor'],
    stages: ['onLoan', 'awaitingPaperwork'],
  },
  recordReturn: {
    label: '钥匙归还验收',
    input: z.strictObject({ condition: z.enum(['complete', 'damaged', 'lost']), note: optionalText(500) }),
    roles: ['csr', 'supervisor'],
    stages: ['onLoan'],
  },
} as const satisfies ActionTable<KeyLoanStage>;
export type KeyLoanAction = keyof typeof keyLoanActions;

export interface KeyLoanView extends CaseViewBase {
  procedure: typeof keyLoanProcedure;
  keyId: string;
  unit: string;
  stage: KeyLoanStage;
  borrower: string;
  purpose: string;
  emergency?: (typeof emergencyKinds)[number];
  sealed: boolean;
  paperworkDone: boolean;
  loanedAt?: string;
  returnedAt?: string;
  condition?: 'complete' | 'damaged' | 'lost';
  /** The replacement case a damaged or lost key opened. */
  replacementCaseId?: string;
  refusal?: string;
  /** Why the register refused the loan (KeyOnLoan, KeyUnavailable, KeyNotFound). */
  refusedAs?: string;
  /** The first-responsible staff member (the case row's `firstReceiver`); changes hands on reassignment. */
  firstReceiver: string;
  requestedAt: string;
}

export const keyLoanState = defineQuery<KeyLoanView>('keyLoan.state');

export const keyLoanUpdates = actionUpdates<KeyLoanView, typeof keyLoanActions>(keyLoanProcedure, keyLoanActions);

export type KeyLoanOutcome = { caseId: string; outcome: 'returned' | 'rejected' | 'refused'; view: KeyLoanView };

/** The replacement a damaged or lost key opens has the loan's receipt number under the replacement prefix. */
export const replacementCaseIdOf = (loanCaseId: string): string => loanCaseId.replace(/^[A-Z]+/, 'PJ');

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const keyLoanContract = defineProcedure({
  procedure: keyLoanProcedure,
  name: '钥匙借用',
  prefix: 'JY',
  receiptName: '借用编号',
  workflowType: 'keyLoan',
  workflowId: keyLoanWorkflowId,
  stageNames: keyLoanStageNames,
  actions: keyLoanActions,
  updates: keyLoanUpdates,
  state: keyLoanState,
  open: { label: '办理钥匙借用', roles: ['csr', 'supervisor'] },
  openSchema: requestKeyLoanSchema,
  startUi: {
    unit: (i: KeyLoanInput) => i.unit,
    summary: (i: KeyLoanInput) => `钥匙借用 ${i.caseId} · ${i.keyId} · ${i.borrower}${i.emergency ? ' · 紧急' : ''}`,
    details: (i: KeyLoanInput, { cal, now }) =>
      [
        `**钥匙借用 ${i.caseId}** · ${i.unit}（${i.keyId}）`,
        `- 借用人：${i.borrower}`,
        `- 用途：${i.purpose}`,
        i.sealed ? '- 封存钥匙，须主管批准启封' : '',
        i.emergency ? `- 紧急用钥：${emergencyNames[i.emergency.kind]}，须经理批准` : '',
        `- 经办：${roleNames[i.requestedBy.role]} ${i.requestedBy.id}，${cal.formatLocal(now)}`,
      ]
        .filter(Boolean)
        .join('\n'),
  },
  systemSteps: { request: '借用申请', lend: '钥匙借出（台账登记）', refuse: '不能借出', close: '结案' },
  basePath: '/keys/loans',
});
