/**
 * 投诉 over HTTP: `POST /complaints` logs a complaint (recognising a repeat
 * from the same unit about the same matter); the shared case routes read it
 * and take staff actions (grading only by a supervisor, sign-off only by the
 * level above: the action table decides, 403 otherwise).
 */
import { centreOfCalendar } from '../workflows/lib/stepRecord';
import type { Db } from '../db/client';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { parseAtTime } from '../workflows/lib/instants';
import { type Actor } from '../workflows/lib/roles';
import {
  type ComplaintInput,
  complaintProcedure,
  type OpenComplaint,
  openComplaintSchema,
  complaintContract,
} from '../workflows/complaint/complaint.messages';
import { repeatWindowDays } from '../workflows/complaint/complaint.policy';
import { addCaseRoutes } from './caseRoutes';
import { parseOr400 } from './errors';
import { type OpenCaseDeps, type OpenedCase, startCase } from './caseStart';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export type ComplaintDeps = OpenCaseDeps;

/** The case as its workflow answered, and the earlier complaint this one repeats. */
export interface LoggedComplaint extends OpenedCase {
  repeatOf: string | null;
}

/** An earlier complaint from the same household (unit of the same centre) about the same matter, within the repeat window. */
async function findEarlierComplaint(db: Db, centre: string, input: OpenComplaint, now: Date): Promise<string | undefined> {
  const since = new Date(now.getTime() - repeatWindowDays * 86_400_000);
  const earlier = await db.case.findFirst({
    where: { procedure: complaintProcedure, centre, unit: input.unit, summary: { startsWith: `${input.matter}：` }, openedAt: { gte: since } },
    orderBy: { openedAt: 'desc' },
    select: { id: true },
  });
  return earlier?.id;
}

export async function logComplaint(deps: ComplaintDeps, actor: Actor, body: unknown): Promise<LoggedComplaint> {
  authorize(actor, 'complaint', 'open');
  const now = await deps.now();
  // The promised answer time is judged by the request's own clock (the server's in tests).
  const input = parseAtTime(now, () => parseOr400(openComplaintSchema, body, '投诉登记内容有误'));
  const cal = new BusinessCalendar(deps.calendar);
  const repeatOf = await findEarlierComplaint(deps.db, centreOfCalendar(deps.calendar), input, now);
  const opened = await startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
    contract: complaintContract,
    input: (caseId): ComplaintInput => ({ ...input, caseId, receivedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt, repeatOf }),
  });
  return { ...opened, repeatOf: repeatOf ?? null };
}


export function complaintRoutes(routes: Routes, deps: ComplaintDeps): Routes {
  addOpenRoute(routes, deps, {
    api: complaintContract,
    summary: 'Logs a complaint; a complaint from the same unit about the same matter within the repeat window is flagged as a repeat.',
    open: logComplaint,
  });
  return addCaseRoutes(routes, deps, complaintContract);
}
