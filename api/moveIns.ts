/**
 * 入住办理 over HTTP: `POST /move-ins` opens a move-in at the front desk; the
 * shared case routes read it and tick its checklists (`recordItem`,
 * `completeStep`, `recordDefect`).
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor, type Role, roleNames } from '../workflows/lib/roles';
import { caseBreached, caseProcedure, caseStage, caseUnit } from '../workflows/lib/searchAttributes';
import {
  moveInActions,
  type MoveInInput,
  moveInProcedure,
  moveInState,
  moveInUpdates,
  moveInWorkflowId,
  type MoveInView,
  openMoveInSchema,
} from '../workflows/moveIn/moveIn.messages';
import { moveInDeadlines } from '../workflows/moveIn/moveIn.policy';
import { addCaseRoutes, type ProcedureApi } from './caseRoutes';
import { caseIdPattern, maskPhone, type OpenCaseDeps, startCase } from './caseStart';
import { forbidden, parseOr400 } from './errors';
import { actorOf } from './identity';

/** Who opens a move-in: the front desk and the supervisor. */
export const moveInReceivers: readonly Role[] = ['csr', 'supervisor'];

export const moveInApi: ProcedureApi<MoveInView> = {
  procedure: moveInProcedure,
  workflowId: moveInWorkflowId,
  caseIdSchema: z.string().regex(caseIdPattern('RZ'), '入住编号格式不正确（例：RZ20261122-ABC123）'),
  table: moveInActions,
  updates: moveInUpdates,
  state: moveInState,
  systemSteps: { open: '入住受理', file: '入住资料归档', close: '办结' },
};

export async function openMoveIn(deps: OpenCaseDeps, actor: Actor, body: unknown) {
  if (!moveInReceivers.includes(actor.role)) throw forbidden(`角色「${roleNames[actor.role]}」不能办理入住`);
  const input = parseOr400(openMoveInSchema, body, '入住登记内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const who = `${input.ownerName}${input.delegate ? `（受托人 ${input.delegate.name}）` : ''}`;
  const started = await startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    prefix: 'RZ',
    workflowType: 'moveIn',
    workflowId: moveInWorkflowId,
    args: (caseId): [MoveInInput] => [{ ...input, caseId, receivedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt }],
    searchAttributes: [
      { key: caseProcedure, value: moveInProcedure },
      { key: caseStage, value: 'identity' },
      { key: caseUnit, value: input.unit },
      { key: caseBreached, value: false },
    ],
    summary: (caseId) => `入住办理 ${caseId} · ${input.unit} · ${who}`,
    details: (caseId) =>
      [
        `**入住办理 ${caseId}** · ${input.unit}`,
        `- 业主：${who}，${maskPhone(input.ownerPhone)}`,
        input.parkingSpace ? `- 地下车位：${input.parkingSpace}` : '',
        `- 受理：${roleNames[actor.role]} ${actor.id}，${cal.formatLocal(now)}`,
      ]
        .filter(Boolean)
        .join('\n'),
  });
  return { ...started, stage: 'identity' as const, stallDueAt: cal.due(now, moveInDeadlines.stall).toISOString() };
}

export function moveInsRouter(deps: OpenCaseDeps): Router {
  const router = Router();
  router.post('/', async (req: Request, res: Response) => {
    const opened = await openMoveIn(deps, actorOf(res), req.body);
    res.status(201).location(`/move-ins/${opened.caseId}`).json(opened);
  });
  return addCaseRoutes(router, deps, moveInApi);
}
