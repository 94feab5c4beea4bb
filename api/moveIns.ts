/**
 * 入住办理 over HTTP: `POST /move-ins` opens a move-in at the front desk; the
 * shared case routes read it and tick its checklists (`recordItem`,
 * `completeStep`, `recordDefect`).
 */
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor, roleNames } from '../workflows/lib/roles';
import { caseBreached, caseProcedure, caseStage, caseUnit } from '../workflows/lib/searchAttributes';
import {
  type MoveInInput,
  moveInProcedure,
  moveInWorkflowId,
  openMoveInSchema,
  moveInContract,
} from '../workflows/moveIn/moveIn.messages';
import { addCaseRoutes } from './caseRoutes';
import { maskPhone, type OpenCaseDeps, startCase } from './caseStart';
import { parseOr400 } from './errors';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

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
  return started;
}

export function moveInRoutes(routes: Routes, deps: OpenCaseDeps): Routes {
  addOpenRoute(routes, deps, {
    api: moveInContract,
    summary: 'Opens a move-in at the front desk (identity and documents first).',
    body: openMoveInSchema,
    open: openMoveIn,
  });
  return addCaseRoutes(routes, deps, moveInContract);
}
