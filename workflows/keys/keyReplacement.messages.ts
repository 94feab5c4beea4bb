/**
 * Duplicating or replacing a key (DOMAIN.md §4): application → supervisor
 * review → manager approval; the register changes on approval only.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { calendarConfigSchema } from '../lib/calendar';
import { keyIdSchema } from './keyRegister';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { optionalText, text } from '../lib/freeText';


export const keyReplacementProcedure = 'keyReplacement';
export const keyReplacementWorkflowId = (caseId: string): string => `keyReplacement-${caseId}`;

export const keyReplacementStages = ['supervisorReview', 'managerApproval', 'approved', 'rejected'] as const;
export type KeyReplacementStage = (typeof keyReplacementStages)[number];

export const keyReplacementStageNames: Record<KeyReplacementStage, string> = {
  supervisorReview: '待主管审核',
  managerApproval: '待经理审批',
  approved: '已批准（登记已更新）',
  rejected: '未批准',
};


export const applyKeyReplacementSchema = z.strictObject({
  keyId: keyIdSchema,
  kind: z.enum(['duplicate', 'replace']),
  reason: text(500),
});
export type ApplyKeyReplacement = z.infer<typeof applyKeyReplacementSchema>;

export const keyReplacementInputSchema = applyKeyReplacementSchema.extend({
  caseId: text(40),
  unit: text(40),
  appliedBy: actorSchema,
  /** The loan whose damaged or lost key opened this application. */
  fromLoan: text(40).optional(),
  calendar: calendarConfigSchema,
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
});
export type KeyReplacementInput = z.infer<typeof keyReplacementInputSchema>;

const decision = z.strictObject({ approved: z.boolean(), comment: optionalText(500) });

export const keyReplacementActions = {
  review: { label: '主管审核', input: decision, roles: ['supervisor'], stages: ['supervisorReview'] },
  approve: { label: '经理审批', input: decision, roles: ['manager'], stages: ['managerApproval'] },
} as const satisfies ActionTable<KeyReplacementStage>;
export type KeyReplacementAction = keyof typeof keyReplacementActions;

export interface KeyReplacementView extends CaseViewBase {
  procedure: typeof keyReplacementProcedure;
  keyId: string;
  unit: string;
  kind: 'duplicate' | 'replace';
  reason: string;
  fromLoan?: string;
  stage: KeyReplacementStage;
  reviewedBy?: string;
  approvedBy?: string;
  comment?: string;
  appliedAt: string;
}

export const keyReplacementState = defineQuery<KeyReplacementView>('keyReplacement.state');

export const keyReplacementUpdates = actionUpdates<KeyReplacementView, typeof keyReplacementActions>(keyReplacementProcedure, keyReplacementActions);

export type KeyReplacementOutcome = { caseId: string; outcome: 'approved' | 'rejected'; view: KeyReplacementView };

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const keyReplacementContract = defineProcedure({
  procedure: keyReplacementProcedure,
  name: '配钥申请',
  prefix: 'PJ',
  receiptName: '申请编号',
  workflowType: 'keyReplacement',
  workflowId: keyReplacementWorkflowId,
  stageNames: keyReplacementStageNames,
  actions: keyReplacementActions,
  updates: keyReplacementUpdates,
  state: keyReplacementState,
  open: { label: '申请配钥', roles: ['csr', 'supervisor'] },
  openSchema: applyKeyReplacementSchema,
  startUi: {
    unit: (i: KeyReplacementInput) => i.unit,
    summary: (i: KeyReplacementInput) => `配钥申请 ${i.caseId} · ${i.keyId}`,
    details: (i: KeyReplacementInput) => `**配钥申请 ${i.caseId}** · ${i.unit}（${i.keyId}）\n- 原因：${i.reason}\n- 申请：${i.appliedBy.id}`,
  },
  systemSteps: { apply: '配钥申请', close: '结案' },
  basePath: '/keys/replacements',
});
