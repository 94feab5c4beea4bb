/**
 * What a new repair case is born with besides its input: the receipt number
 * (受理编号) and the summary and details a supervisor sees in the Temporal UI.
 */
import { createHash, randomInt } from 'node:crypto';
import { type Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Db } from '../db/client';
import { caseOpened } from '../workflows/lib/actions';
import type { BusinessCalendar, CalendarConfig } from '../workflows/lib/calendar';
import type { CaseViewBase } from '../workflows/lib/caseView';
import { type Actor, roleNames } from '../workflows/lib/roles';
import type { OpenRepair } from '../workflows/repair/repair.messages';
import { fromTemporalError } from './temporalErrors';

/** What opening a case of any procedure needs. */
export interface OpenCaseDeps {
  client: Client;
  db: Db;
  calendar: CalendarConfig;
  taskQueue: string;
  /** Warning points for the new case's deadlines (the procedure's default when absent). */
  warnAt?: number[];
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

/** 13800000000 → 138****0000; short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `****${digits.slice(-2)}`;
}

const channelNames: Record<OpenRepair['channel'], string> = { phone: '来电', visit: '来访', online: '网上报修' };

const yuan = (fen: number) => `${(fen / 100).toFixed(2)}元`;

function describePaid(paid: OpenRepair['paid']): string {
  switch (paid.kind) {
    case 'free':
      return '无偿维修';
    case 'listed':
      return `有偿维修（标价）：${paid.item}，${yuan(paid.feeFen)}，待业主确认`;
    case 'onSite':
      return '有偿维修（现场定价）';
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line for lists: `报修 BX20261122-ABC123 · 3-2-1101 · 厨房水龙头漏水`. */
export function repairSummary(caseId: string, input: OpenRepair): string {
  return `报修 ${caseId} · ${input.unit} · ${clip(input.fault, 60)}`;
}

/** Markdown shown on the workflow's page. */
export function repairDetails(caseId: string, input: OpenRepair, receivedBy: Actor, cal: BusinessCalendar, now: Date): string {
  return [
    `**报修 ${caseId}** · ${input.unit}`,
    '',
    `- 故障：${clip(input.fault, 200)}`,
    `- 业主：${input.ownerName}（${maskPhone(input.ownerPhone)}）`,
    `- 来源：${channelNames[input.channel]}`,
    `- 费用：${describePaid(input.paid)}`,
    `- 登记：${roleNames[receivedBy.role]} ${receivedBy.id}，${cal.formatLocal(now)}`,
  ].join('\n');
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
export interface CaseStart {
  client: Client;
  taskQueue: string;
  cal: BusinessCalendar;
  now: Date;
  prefix: string;
  workflowType: string;
  workflowId: (caseId: string) => string;
  args: (caseId: string) => unknown[];
  searchAttributes: SearchAttributePair[];
  summary: (caseId: string) => string;
  details: (caseId: string) => string;
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
export async function startCase(s: CaseStart): Promise<OpenedCase> {
  const open = async (caseId: string, conflict: 'FAIL' | 'USE_EXISTING') => {
    const start = new WithStartWorkflowOperation(s.workflowType, {
      taskQueue: s.taskQueue,
      workflowId: s.workflowId(caseId),
      workflowIdConflictPolicy: conflict,
      // A receipt number is never reused, not even after its case closed.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: s.args(caseId),
      typedSearchAttributes: s.searchAttributes,
      staticSummary: s.summary(caseId),
      staticDetails: s.details(caseId),
      memo: requestMemo(s.request),
    });
    const view = await s.client.workflow.executeUpdateWithStart(caseOpened, { startWorkflowOperation: start });
    return openedCase(caseId, s.workflowId(caseId), view);
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
    const caseId = newCaseId(s.prefix, s.cal, s.now);
    try {
      return await open(caseId, 'FAIL');
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError && attempt < 3) continue;
      throw await fromTemporalError(err, caseId);
    }
  }
}
