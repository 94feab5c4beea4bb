/**
 * What a new repair case is born with besides its input: the receipt number
 * (受理编号) and the summary and details a supervisor sees in the Temporal UI.
 */
import { createHash, randomInt } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { Db } from '../db/client';
import type { BusinessCalendar, CalendarConfig } from '../workflows/lib/calendar';
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

/**
 * Starts a case's workflow under a fresh receipt number (never reused: the
 * start rejects a duplicate id); six random characters rarely collide, so a
 * collision just draws again, a couple of times. A receipt number reserved for
 * the request (Idempotency-Key) is used as it is, and "already started" then
 * means an earlier attempt of the same request opened it.
 */
export async function startWithNewReceipt(
  prefix: string,
  cal: BusinessCalendar,
  now: Date,
  start: (caseId: string) => Promise<unknown>,
  reserved?: string,
): Promise<string> {
  if (reserved) {
    try {
      await start(reserved);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw await fromTemporalError(err, reserved);
    }
    return reserved;
  }
  for (let attempt = 1; ; attempt++) {
    const caseId = newCaseId(prefix, cal, now);
    try {
      await start(caseId);
      return caseId;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError && attempt < 3) continue;
      throw await fromTemporalError(err, caseId);
    }
  }
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

/** Starts a case (never reusing a receipt number) with its search attributes, summary and details. */
export async function startCase(s: CaseStart): Promise<{ caseId: string; workflowId: string }> {
  const caseId = await startWithNewReceipt(s.prefix, s.cal, s.now, (id) =>
    s.client.workflow.start(s.workflowType, {
      taskQueue: s.taskQueue,
      workflowId: s.workflowId(id),
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: s.args(id),
      typedSearchAttributes: s.searchAttributes,
      staticSummary: s.summary(id),
      staticDetails: s.details(id),
      memo: requestMemo(s.request),
    }),
    s.request?.receipt,
  );
  return { caseId, workflowId: s.workflowId(caseId) };
}
