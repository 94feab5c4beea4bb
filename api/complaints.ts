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
import { complaintDeadlines, repeatWindowDays } from '../workflows/complaint/complaint.policy';
import { addCaseRoutes } from './caseRoutes';
import { parseOr400 } from './errors';
import { maskPhone, type OpenCaseDeps, requestMemo, startWithNewReceipt } from './caseStart';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export type ComplaintDeps = OpenCaseDeps;

export interface LoggedComplaint {
  caseId: string;
  workflowId: string;
  stage: 'verifying';
  repeatOf: string | null;
  dueAt: { response: string };
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
  const caseId = await startWithNewReceipt('TS', cal, now, (id) => {
    const args: [ComplaintInput] = [{ ...input, caseId: id, receivedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt, repeatOf }];
    return deps.client.workflow.start('customerComplaint', {
      taskQueue: deps.taskQueue,
      workflowId: complaintWorkflowId(id),
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args,
      typedSearchAttributes: [
        { key: caseProcedure, value: complaintProcedure },
        { key: caseStage, value: 'verifying' },
        { key: caseUnit, value: input.unit },
        { key: caseBreached, value: false },
        { key: caseRepeat, value: repeatOf !== undefined },
      ],
      staticSummary: `投诉 ${id} · ${input.unit} · ${input.matter}${repeatOf ? ' · 重复投诉' : ''}`,
      memo: requestMemo(deps.request),
      staticDetails: complaintDetails(id, input, actor, cal, now, repeatOf),
    });
  }, deps.request?.receipt);
  return {
    caseId,
    workflowId: complaintWorkflowId(caseId),
    stage: 'verifying',
    repeatOf: repeatOf ?? null,
    dueAt: { response: cal.due(now, complaintDeadlines.response).toISOString() },
  };
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
