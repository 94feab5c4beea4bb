/**
 * 投诉 over HTTP: `POST /complaints` logs a complaint (recognising a repeat
 * from the same unit about the same matter); the shared case routes read it
 * and take staff actions (grading only by a supervisor, sign-off only by the
 * level above: the action table decides, 403 otherwise).
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor, type Role, roleNames } from '../workflows/lib/roles';
import { caseBreached, caseProcedure, caseRepeat, caseStage, caseUnit } from '../workflows/lib/searchAttributes';
import {
  complaintActions,
  type ComplaintInput,
  complaintProcedure,
  complaintState,
  complaintUpdates,
  complaintWorkflowId,
  type ComplaintView,
  type OpenComplaint,
  openComplaintSchema,
} from '../workflows/complaint/complaint.messages';
import { complaintDeadlines, repeatWindowDays } from '../workflows/complaint/complaint.policy';
import { addCaseRoutes, type ProcedureApi } from './caseRoutes';
import { forbidden, parseOr400 } from './errors';
import { actorOf } from './identity';
import { caseIdPattern, maskPhone, type OpenCaseDeps, startWithNewReceipt } from './caseStart';

export type ComplaintDeps = OpenCaseDeps;

/** Who may log a complaint: the front desk and the supervisor. */
export const complaintReceivers: readonly Role[] = ['csr', 'supervisor'];

export const complaintApi: ProcedureApi<ComplaintView> = {
  procedure: complaintProcedure,
  workflowId: complaintWorkflowId,
  caseIdSchema: z.string().regex(caseIdPattern('TS'), '受理编号格式不正确（例：TS20261122-ABC123）'),
  table: complaintActions,
  updates: complaintUpdates,
  state: complaintState,
  systemSteps: { receive: '投诉受理', close: '结案' },
};

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
  if (!complaintReceivers.includes(actor.role)) throw forbidden(`角色「${roleNames[actor.role]}」不能受理投诉`);
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
      staticDetails: complaintDetails(id, input, actor, cal, now, repeatOf),
    });
  });
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

export function complaintsRouter(deps: ComplaintDeps): Router {
  const router = Router();
  router.post('/', async (req: Request, res: Response) => {
    const logged = await logComplaint(deps, actorOf(res), req.body);
    res.status(201).location(`/complaints/${logged.caseId}`).json(logged);
  });
  return addCaseRoutes(router, deps, complaintApi);
}
