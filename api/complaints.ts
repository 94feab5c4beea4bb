/**
 * 投诉 over HTTP: `POST /complaints` logs a complaint (recognising a repeat
 * from the same unit about the same matter); the shared case routes read it
 * and take staff actions (grading only by a supervisor, sign-off only by the
 * level above: the action table decides, 403 otherwise).
 */
import type { Db } from '../db/client';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor, roleNames } from '../workflows/lib/roles';
import { caseBreached, caseProcedure, caseRepeat, caseStage, caseUnit } from '../workflows/lib/searchAttributes';
import {
  type ComplaintInput,
  complaintProcedure,
  complaintWorkflowId,
  type OpenComplaint,
  openComplaintSchema,
  complaintContract,
} from '../workflows/complaint/complaint.messages';
import { repeatWindowDays } from '../workflows/complaint/complaint.policy';
import { addCaseRoutes } from './caseRoutes';
import { parseOr400 } from './errors';
import { maskPhone, type OpenCaseDeps, type OpenedCase, startCase } from './caseStart';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export type ComplaintDeps = OpenCaseDeps;

/** The case as its workflow answered, and the earlier complaint this one repeats. */
export interface LoggedComplaint extends OpenedCase {
  repeatOf: string | null;
}

const channelNames: Record<OpenComplaint['channel'], string> = { phone: '来电', visit: '来访', letter: '来信', online: '网上' };

/** An earlier complaint from the same unit about the same matter, within the repeat window. */
async function findEarlierComplaint(db: Db, input: OpenComplaint, now: Date): Promise<string | undefined> {
  const since = new Date(now.getTime() - repeatWindowDays * 86_400_000);
  const earlier = await db.case.findFirst({
    where: { procedure: complaintProcedure, unit: input.unit, summary: { startsWith: `${input.matter}：` }, openedAt: { gte: since } },
    orderBy: { openedAt: 'desc' },
    select: { id: true },
  });
  return earlier?.id;
}

export async function logComplaint(deps: ComplaintDeps, actor: Actor, body: unknown): Promise<LoggedComplaint> {
  authorize(actor, 'complaint', 'open');
  const input = parseOr400(openComplaintSchema, body, '投诉登记内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const repeatOf = await findEarlierComplaint(deps.db, input, now);
  const opened = await startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
    prefix: complaintContract.prefix,
    workflowType: complaintContract.workflowType,
    workflowId: complaintWorkflowId,
    args: (caseId): [ComplaintInput] => [{ ...input, caseId, receivedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt, repeatOf }],
    searchAttributes: [
      { key: caseProcedure, value: complaintProcedure },
      { key: caseStage, value: 'verifying' },
      { key: caseUnit, value: input.unit },
      { key: caseBreached, value: false },
      { key: caseRepeat, value: repeatOf !== undefined },
    ],
    summary: (caseId) => `投诉 ${caseId} · ${input.unit} · ${input.matter}${repeatOf ? ' · 重复投诉' : ''}`,
    details: (caseId) => complaintDetails(caseId, input, actor, cal, now, repeatOf),
  });
  return { ...opened, repeatOf: repeatOf ?? null };
}

function complaintDetails(caseId: string, input: OpenComplaint, actor: Actor, cal: BusinessCalendar, now: Date, repeatOf?: string): string {
  return [
    `**投诉 ${caseId}** · ${input.unit}`,
    `- 事项：${input.matter}`,
    `- 内容：${input.content}`,
    `- 投诉人：${input.customerName}（${maskPhone(input.customerPhone)}）`,
    `- 方式：${channelNames[input.channel]}`,
    `- 首问责任人：${roleNames[actor.role]} ${actor.id}，${cal.formatLocal(now)}`,
    repeatOf ? `- 重复投诉，前次：${repeatOf}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function complaintRoutes(routes: Routes, deps: ComplaintDeps): Routes {
  addOpenRoute(routes, deps, {
    api: complaintContract,
    summary: 'Logs a complaint; a complaint from the same unit about the same matter within the repeat window is flagged as a repeat.',
    body: openComplaintSchema,
    open: logComplaint,
  });
  return addCaseRoutes(routes, deps, complaintContract);
}
