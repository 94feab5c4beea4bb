/**
 * 入住办理 over HTTP: `POST /move-ins` opens a move-in at the front desk; the
 * shared case routes read it and tick its checklists (`recordItem`,
 * `completeStep`, `recordDefect`).
 */
import { z } from 'zod';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor, roleNames } from '../workflows/lib/roles';
import { caseBreached, caseProcedure, caseStage, caseUnit } from '../workflows/lib/searchAttributes';
import {
  moveInActions,
  type MoveInInput,
  moveInProcedure,
  moveInStageNames,
  moveInState,
  moveInUpdates,
  moveInWorkflowId,
  type MoveInView,
  openMoveInSchema,
} from '../workflows/moveIn/moveIn.messages';
import { moveInDeadlines } from '../workflows/moveIn/moveIn.policy';
import { addCaseRoutes, type ProcedureApi } from './caseRoutes';
import { caseIdPattern, maskPhone, type OpenCaseDeps, startCase } from './caseStart';
import { parseOr400 } from './errors';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export const moveInApi: ProcedureApi<MoveInView> = {
  procedure: moveInProcedure,
  name: '入住办理',
  prefix: 'RZ',
  stageNames: moveInStageNames,
  workflowId: moveInWorkflowId,
  caseIdSchema: z.string().regex(caseIdPattern('RZ'), '入住编号格式不正确（例：RZ20261122-ABC123）'),
  table: moveInActions,
  updates: moveInUpdates,
  state: moveInState,
  systemSteps: { open: '入住受理', file: '入住资料归档', close: '办结' },
};

export async function openMoveIn(deps: OpenCaseDeps, actor: Actor, body: unknown) {
  authorize(actor, 'moveIn', 'open');
  const input = parseOr400(openMoveInSchema, body, '入住登记内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const who = `${input.ownerName}${input.delegate ? `（受托人 ${input.delegate.name}）` : ''}`;
  const started = await startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
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
  const stallDueAt = cal.due(now, moveInDeadlines.stall).toISOString();
  return { ...started, stage: 'identity' as const, stallDueAt, dueAt: { stall: stallDueAt } };
}

export function moveInRoutes(routes: Routes, deps: OpenCaseDeps): Routes {
  addOpenRoute(routes, '/', deps, {
    api: moveInApi,
    summary: 'Opens a move-in at the front desk (identity and documents first).',
    body: openMoveInSchema,
    open: openMoveIn,
  });
  return addCaseRoutes(routes, deps, moveInApi);
}
