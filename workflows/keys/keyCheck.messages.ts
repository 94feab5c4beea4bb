/**
 * 钥匙对照查验 (DOMAIN.md §4): at least once a week the front-desk csr checks every
 * key physically against the register (present, seal intact, out on loan, missing);
 * who checked and when is on record; a discrepancy goes to the manager at once, the
 * week's usage to the supervisor. Opened by the weekly audit's schedule (since 0.4.0)
 * or by a supervisor by hand.
 */
import { defineQuery } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionTable, actionUpdates, actorSchema } from '../lib/actions';
import { calendarConfigSchema } from '../lib/calendar';
import type { CaseViewBase } from '../lib/caseView';
import { defineProcedure } from '../lib/contract';
import { optionalText } from '../lib/freeText';
import { perCentre } from '../lib/stepRecord';
import { keyIdSchema, keyStatuses, type KeyStatus } from './keyRegister';

export const keyCheckProcedure = 'keyCheck';
export const keyCheckWorkflowId = (caseId: string): string => `keyCheck-${caseId}`;
/** The weekly check a schedule's run opens: PD + the local date + WEEKLY (+ `-<centre>` outside the default centre). */
export const weeklyKeyCheckCaseId = (localDate: string, centre?: string): string => perCentre(`PD${localDate.replace(/-/g, '')}-WEEKLY`, centre);

export const keyCheckStages = ['checking', 'checked'] as const;
export type KeyCheckStage = (typeof keyCheckStages)[number];
export const keyCheckStageNames: Record<KeyCheckStage, string> = { checking: '待查验', checked: '已查验' };

/** What the csr finds at each key's hook. */
export const keyFindings = ['present', 'sealIntact', 'sealBroken', 'onLoan', 'missing'] as const;
export type KeyFinding = (typeof keyFindings)[number];
export const keyFindingNames: Record<KeyFinding, string> = { present: '在柜', sealIntact: '封存完好', sealBroken: '封条破损', onLoan: '借出（有借用记录）', missing: '缺失' };

/** What the register says each key should be found as; anything else is a discrepancy. */
export const expectedFinding: Record<KeyStatus, readonly KeyFinding[]> = {
  inCabinet: ['present'],
  sealed: ['sealIntact'],
  onLoan: ['onLoan'],
  lost: ['missing'],
  damaged: ['present'],
};

const registerKey = z.strictObject({ keyId: keyIdSchema, unit: z.string(), part: z.string(), status: z.enum(keyStatuses) });
export type RegisterKey = z.infer<typeof registerKey>;

export const keyCheckInputSchema = z.strictObject({
  caseId: z.string().min(1).max(64),
  /** The register as it stood when the check opened: every key to be checked. */
  keys: z.array(registerKey).max(20_000),
  /** The week's usage, for the supervisor. */
  usage: z.strictObject({ since: z.string(), until: z.string(), loans: z.number().int().min(0), emergencyLoans: z.number().int().min(0), returnedDamagedOrLost: z.number().int().min(0) }),
  openedBy: actorSchema.optional(),
  calendar: calendarConfigSchema,
  warnAt: z.array(z.number().gt(0).lt(1)).max(5).optional(),
});
export type KeyCheckInput = z.infer<typeof keyCheckInputSchema>;

/** A check's input from the weekly audit's report: the register to check and the week's usage. */
export function keyCheckInputOf(
  caseId: string,
  report: { register?: RegisterKey[]; loansInWeek: number; emergencyLoansInWeek: number; returnedDamagedOrLost: number },
  week: { since: Date; until: Date },
  rest: Pick<KeyCheckInput, 'calendar' | 'warnAt' | 'openedBy'>,
): KeyCheckInput {
  const usage = { since: week.since.toISOString(), until: week.until.toISOString(), loans: report.loansInWeek, emergencyLoans: report.emergencyLoansInWeek, returnedDamagedOrLost: report.returnedDamagedOrLost };
  return { caseId, keys: report.register ?? [], usage, ...rest };
}

export const keyCheckActions = {
  recordKeyCheck: {
    label: '登记钥匙查验',
    /** What was found at each key's hook; in one go or in batches (a large cabinet), each key once; the check ends when every key is recorded. */
    input: z.strictObject({
      results: z.array(z.strictObject({ keyId: keyIdSchema, found: z.enum(keyFindings), note: optionalText(300) })).min(1).max(500),
    }),
    roles: ['csr', 'supervisor'],
    stages: ['checking'],
  },
} as const satisfies ActionTable<KeyCheckStage>;

export interface KeyCheckDiscrepancy {
  keyId: string;
  unit: string;
  part: string;
  register: KeyStatus;
  found: KeyFinding;
  note: string;
}

export interface KeyCheckView extends CaseViewBase {
  procedure: typeof keyCheckProcedure;
  stage: KeyCheckStage;
  keys: number;
  /** The checklist: every key to find at its hook, and what the register says of it. */
  checklist: RegisterKey[];
  /** Keys recorded so far, and who recorded them. */
  recorded: { keyId: string; by: string }[];
  discrepancies: KeyCheckDiscrepancy[];
  /** Every key recorded: when, and by whom the last batch. */
  checked?: { by: string; at: string; discrepancies: KeyCheckDiscrepancy[] };
  openedAt: string;
}

export const keyCheckState = defineQuery<KeyCheckView>('keyCheck.state');
export const keyCheckUpdates = actionUpdates<KeyCheckView, typeof keyCheckActions>(keyCheckProcedure, keyCheckActions);
export type KeyCheckOutcome = { caseId: string; outcome: 'checked'; view: KeyCheckView };

/** The procedure's contract: what every other layer knows of it (workflows/registry.ts lists it). */
export const keyCheckContract = defineProcedure({
  procedure: keyCheckProcedure,
  name: '钥匙查验',
  prefix: 'PD',
  receiptName: '查验编号',
  workflowType: 'keyCheck',
  workflowId: keyCheckWorkflowId,
  stageNames: keyCheckStageNames,
  actions: keyCheckActions,
  updates: keyCheckUpdates,
  state: keyCheckState,
  open: { label: '开启钥匙查验', roles: ['supervisor'] },
  openSchema: z.strictObject({}),
  startUi: {
    unit: () => '钥匙柜',
    summary: (i: KeyCheckInput) => `钥匙查验 ${i.caseId} · ${i.keys.length} 把`,
    details: (i: KeyCheckInput) => `**钥匙查验 ${i.caseId}**\n- 应查验：${i.keys.length} 把\n- 本周借用：${i.usage.loans} 次（紧急 ${i.usage.emergencyLoans} 次）`,
  },
  systemSteps: { open: '钥匙查验开始', close: '结案' },
  basePath: '/keys/checks',
});
