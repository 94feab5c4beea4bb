/** Scenario helpers for key loans, replacements and archive access: seed the register, open cases as the front desk would, act as staff. */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { keyRegister } from '../../activities/keys';
import type { Db } from '../../db/client';
import type { archiveAccess } from '../../workflows/archiveAccess/archiveAccess';
import {
  type ArchiveAccessAction,
  type ArchiveAccessInput,
  archiveAccessState,
  archiveAccessUpdates,
  archiveAccessWorkflowId,
  type ArchiveAccessView,
} from '../../workflows/archiveAccess/archiveAccess.messages';
import type { keyLoan } from '../../workflows/keys/keyLoan';
import {
  type KeyLoanAction,
  type KeyLoanInput,
  keyLoanState,
  keyLoanUpdates,
  keyLoanWorkflowId,
  type KeyLoanView,
} from '../../workflows/keys/keyLoan.messages';
import type { keyReplacement } from '../../workflows/keys/keyReplacement';
import {
  type KeyReplacementAction,
  keyReplacementState,
  keyReplacementUpdates,
  keyReplacementWorkflowId,
  type KeyReplacementView,
} from '../../workflows/keys/keyReplacement.messages';
import type { Actor } from '../../workflows/lib/roles';
import { csr, testCalendar } from './scenario';
import { taskQueue } from './temporal';
import type { ScenarioEnv } from './timeSkippingDriver';

export type KeyLoanHandle = WorkflowHandle<typeof keyLoan>;
export type KeyReplacementHandle = WorkflowHandle<typeof keyReplacement>;
export type ArchiveAccessHandle = WorkflowHandle<typeof archiveAccess>;

/** A fresh unit with one key in the register (sealed for a vacant unit). */
export async function keyInCabinet(db: Db, opts: { sealed?: boolean; part?: string; centre?: string } = {}) {
  const unit = `9-${randomUUID().slice(0, 6)}`;
  const { key } = await keyRegister(db).addKey({ centre: opts.centre ?? 'default', unit, part: opts.part ?? 'unitDoor', label: `${unit} 入户门`, sealed: opts.sealed ?? false, addedBy: 'sup-wang' });
  return key;
}

export async function openLoan(
  env: ScenarioEnv,
  key: { id: string; unit: string; part: string; status: string },
  opts: Partial<Pick<KeyLoanInput, 'emergency' | 'borrower'>> = {},
): Promise<KeyLoanHandle> {
  const caseId = `JY${randomUUID().slice(0, 8)}`;
  return env.client.workflow.start('keyLoan', {
    taskQueue,
    workflowTaskTimeout: '1 minute',
    workflowId: keyLoanWorkflowId(caseId),
    args: [
      {
        caseId,
        keyId: key.id,
        unit: key.unit,
        part: key.part,
        borrower: opts.borrower ?? '工程部 赵师傅',
        purpose: '入户检修水管',
        signatureRef: opts.emergency ? undefined : `sig-${caseId}`,
        emergency: opts.emergency,
        sealed: key.status === 'sealed',
        requestedBy: csr,
        calendar: testCalendar(),
      },
    ],
  }) as Promise<KeyLoanHandle>;
}

export const actOnLoan = (h: KeyLoanHandle, action: KeyLoanAction, actor: Actor, input: Record<string, unknown>): Promise<KeyLoanView> =>
  h.executeUpdate(keyLoanUpdates[action], { args: [{ actor, input }] });
export const loanOf = (h: KeyLoanHandle): Promise<KeyLoanView> => h.query(keyLoanState);
export const loanIdOf = (h: KeyLoanHandle): string => h.workflowId.replace(/^keyLoan-/, '');

export const replacementHandle = (env: ScenarioEnv, caseId: string): KeyReplacementHandle =>
  env.client.workflow.getHandle<typeof keyReplacement>(keyReplacementWorkflowId(caseId));
export const actOnReplacement = (
  h: KeyReplacementHandle,
  action: KeyReplacementAction,
  actor: Actor,
  input: Record<string, unknown>,
): Promise<KeyReplacementView> => h.executeUpdate(keyReplacementUpdates[action], { args: [{ actor, input }] });
export const replacementOf = (h: KeyReplacementHandle): Promise<KeyReplacementView> => h.query(keyReplacementState);

export async function openArchiveAccess(
  env: ScenarioEnv,
  requestedBy: Actor,
  opts: Partial<Pick<ArchiveAccessInput, 'kind' | 'unit' | 'recipient'>> = {},
): Promise<ArchiveAccessHandle> {
  const caseId = `DA${randomUUID().slice(0, 8)}`;
  return env.client.workflow.start('archiveAccess', {
    taskQueue,
    workflowTaskTimeout: '1 minute',
    workflowId: archiveAccessWorkflowId(caseId),
    args: [
      {
        caseId,
        unit: opts.unit ?? `8-${randomUUID().slice(0, 6)}`,
        kind: opts.kind ?? 'view',
        purpose: '核对装修资料',
        recipient: opts.recipient,
        requestedBy,
        calendar: testCalendar(),
      },
    ],
  }) as Promise<ArchiveAccessHandle>;
}
export const actOnAccess = (h: ArchiveAccessHandle, action: ArchiveAccessAction, actor: Actor, input: Record<string, unknown>): Promise<ArchiveAccessView> =>
  h.executeUpdate(archiveAccessUpdates[action], { args: [{ actor, input }] });
export const accessOf = (h: ArchiveAccessHandle): Promise<ArchiveAccessView> => h.query(archiveAccessState);
export const accessIdOf = (h: ArchiveAccessHandle): string => h.workflowId.replace(/^archiveAccess-/, '');
