/**
 * Opening a case of any procedure: the receipt number (受理编号) and one
 * update-with-start that carries what the Temporal UI shows from the start
 * (the contract's `startUi`) and answers with the workflow's own view.
 */
import { createHash, randomInt } from 'node:crypto';
import { type Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Db } from '../db/client';
import { caseOpened } from '../workflows/lib/actions';
import type { BusinessCalendar, CalendarConfig } from '../workflows/lib/calendar';
import type { CaseViewBase } from '../workflows/lib/caseView';
import type { ProcedureContract } from '../workflows/lib/contract';
import type { PriceList } from '../workflows/repair/priceList';
import type { ReturnVisitMode } from '../workflows/repair/returnVisitSampling';
import { openingSearchAttributes } from '../workflows/lib/searchAttributes';
import { conflict } from './errors';
import { fromTemporalError } from './temporalErrors';

/** What opening a case of any procedure needs. */
export interface OpenCaseDeps {
  client: Client;
  db: Db;
  calendar: CalendarConfig;
  taskQueue: string;
  /** Warning points for the new case's deadlines (the procedure's default when absent). */
  warnAt?: number[];
  /** How long engineering has to take a repair once notified (REPAIR_TAKE_UP_WITHIN; default in repair.policy.ts). */
  repairTakeUpWithin?: string;
  /** How repairs are visited: every one within 2 days (default), or a monthly sample (RETURN_VISITS=monthlySample). */
  returnVisits?: ReturnVisitMode;
  /** The paid-repair price list (config/priceList.json), validated at boot. */
  priceList: PriceList;
  /** The registration time (in tests: the Temporal test server's clock). */
  now: () => Date | Promise<Date>;
  /** Set per request: the receipt number reserved for it (Idempotency-Key) and its request id. */
  request?: OpenRequest;
}

export interface OpenRequest {
  receipt?: string;
  requestId?: string;
}

/** What a case's start carries about the request that opened it (shown in the Temporal UI's memo). */
export const requestMemo = (request?: OpenRequest): Record<string, string> | undefined =>
  request?.requestId ? { requestId: request.requestId } : undefined;

const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** 409 when the case of a receipt number that follows from its period (the month's filing, its sample) is already started. */
export async function refuseIfStarted(client: Client, workflowId: string, message: string, code: string): Promise<void> {
  const existing = await client.workflow.getHandle(workflowId).describe().catch(() => undefined);
  if (existing) throw conflict(message, code);
}

export function newCaseId(prefix: string, cal: BusinessCalendar, now: Date): string {
  const day = cal.formatLocal(now).slice(0, 10).replace(/-/g, '');
  const suffix = Array.from({ length: 6 }, () => BASE36[randomInt(BASE36.length)]).join('');
  return `${prefix}${day}-${suffix}`;
}

/** A receipt number that follows from another (the events of a plan): same day, 6 characters from a hash. */
export function derivedCaseId(prefix: string, from: string, index: number): string {
  const digest = createHash('sha256').update(`${from}#${index}`).digest();
  const suffix = Array.from(digest.subarray(0, 6), (b) => BASE36[b % BASE36.length]).join('');
  return `${prefix}${from.replace(/^[A-Z]+/, '').slice(0, 8)}-${suffix}`;
}

/** A case as its workflow answered its opening: stage, whom it waits on, and each clock's due time. */
export interface OpenedCase {
  caseId: string;
  workflowId: string;
  stage: string;
  waitingOn: CaseViewBase['waitingOn'] | null;
  /** Each clock of the case: its due time while it runs, null while it waits (paused, or not counting yet). */
  dueAt: Record<string, string | null>;
}

export function openedCase(caseId: string, workflowId: string, view: CaseViewBase): OpenedCase {
  return {
    caseId,
    workflowId,
    stage: view.stage,
    waitingOn: view.waitingOn ?? null,
    dueAt: Object.fromEntries(view.clocks.filter((c) => c.status === 'running' || c.status === 'paused').map((c) => [c.name, c.status === 'running' ? (c.dueAt ?? null) : null])),
  };
}

/** Everything needed to start one case workflow; the receipt number is drawn by `startCase`. */
export interface CaseStart<Input extends { caseId: string }> {
  client: Client;
  taskQueue: string;
  cal: BusinessCalendar;
  now: Date;
  /** The procedure: its receipt numbers, workflow, workflow ids and what the Temporal UI shows from the start. */
  contract: Pick<ProcedureContract<string, unknown, never, Input>, 'procedure' | 'prefix' | 'workflowType' | 'workflowId' | 'startUi'>;
  /** The workflow's input for a receipt number. */
  input: (caseId: string) => Input;
  request?: OpenRequest;
}

/**
 * Starts a case with its search attributes, summary and details, and answers
 * with the workflow's own view once registration is on record (one call:
 * update-with-start). A fresh receipt number is never reused (the start
 * rejects a duplicate id); six random characters rarely collide, so a
 * collision just draws again, a couple of times. A receipt number reserved for
 * the request (Idempotency-Key) is used as it is: a case an earlier attempt
 * already started answers the same way.
 */
/**
 * The start of one case as the API sends it: the procedure's workflow and id,
 * its input, and what the Temporal UI shows from the start (the contract's
 * `startUi`). The bench's bare client starts cases with the same operation.
 */
export function caseStartOperation<Input extends { caseId: string }>(
  s: Pick<CaseStart<Input>, 'taskQueue' | 'cal' | 'now' | 'contract' | 'request'>,
  input: Input,
  conflict: 'FAIL' | 'USE_EXISTING',
): WithStartWorkflowOperation<(input: Input) => Promise<unknown>> {
  const { contract } = s;
  const ui = contract.startUi;
  return new WithStartWorkflowOperation<(input: Input) => Promise<unknown>>(contract.workflowType, {
    taskQueue: s.taskQueue,
    workflowId: contract.workflowId(input.caseId),
    workflowIdConflictPolicy: conflict,
    // A receipt number is never reused, not even after its case closed.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    args: [input],
    typedSearchAttributes: [...openingSearchAttributes(contract.procedure, ui.unit(input), s.cal.config.centre), ...(ui.searchAttributes?.(input) ?? [])],
    staticSummary: ui.summary(input),
    staticDetails: ui.details(input, { cal: s.cal, now: s.now }),
    memo: requestMemo(s.request),
  });
}

export async function startCase<Input extends { caseId: string }>(s: CaseStart<Input>): Promise<OpenedCase> {
  const { contract } = s;
  const open = async (caseId: string, conflict: 'FAIL' | 'USE_EXISTING') => {
    const start = caseStartOperation(s, s.input(caseId), conflict);
    const view = await s.client.workflow.executeUpdateWithStart(caseOpened, { startWorkflowOperation: start });
    return openedCase(caseId, contract.workflowId(caseId), view);
  };
  const reserved = s.request?.receipt;
  if (reserved) {
    try {
      return await open(reserved, 'USE_EXISTING');
    } catch (err) {
      throw await fromTemporalError(err, reserved);
    }
  }
  for (let attempt = 1; ; attempt++) {
    const caseId = newCaseId(contract.prefix, s.cal, s.now);
    try {
      return await open(caseId, 'FAIL');
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError && attempt < 3) continue;
      throw await fromTemporalError(err, caseId);
    }
  }
}
