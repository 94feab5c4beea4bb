/**
 * 入住办理 over HTTP: `POST /move-ins` opens a move-in at the front desk; the
 * shared case routes read it and tick its checklists (`recordItem`,
 * `completeStep`, `recordDefect`).
 */
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor } from '../workflows/lib/roles';
import {
  type MoveInInput,
  openMoveInSchema,
  moveInContract,
} from '../workflows/moveIn/moveIn.messages';
import { addCaseRoutes } from './caseRoutes';
import { type OpenCaseDeps, startCase } from './caseStart';
import { parseOr400 } from './errors';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export async function openMoveIn(deps: OpenCaseDeps, actor: Actor, body: unknown) {
  authorize(actor, 'moveIn', 'open');
  const input = parseOr400(openMoveInSchema, body, '入住登记内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const started = await startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
    contract: moveInContract,
    input: (caseId): MoveInInput => ({ ...input, caseId, receivedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt }),
  });
  return started;
}

export function moveInRoutes(routes: Routes, deps: OpenCaseDeps): Routes {
  addOpenRoute(routes, deps, {
    api: moveInContract,
    summary: 'Opens a move-in at the front desk (identity and documents first).',
    open: openMoveIn,
  });
  return addCaseRoutes(routes, deps, moveInContract);
}
