/**
 * 社区活动 over HTTP: `POST /events/plans` takes the year's plan (a list of
 * events with dates) and starts one `communityEvent` case per event, each
 * carrying the plan id; the shared case routes read each event and take its
 * staff actions (plan, review, approval, participants, summary, return visits).
 */
import { BusinessCalendar } from '../workflows/lib/calendar';
import type { Actor } from '../workflows/lib/roles';
import {
  type CommunityEventInput,
  communityEventPlanSchema,
  communityEventContract,
} from '../workflows/communityEvent/communityEvent.messages';
import { addCaseRoutes } from './caseRoutes';
import { derivedCaseId, newCaseId, type OpenCaseDeps, startCase } from './caseStart';
import { parseOr400 } from './errors';
import { parseAtTime } from '../workflows/lib/instants';
import { addOpenRoute } from './openRoute';
import { authorize } from './permissions';
import type { Routes } from './routes';

export interface StartedCommunityEvent {
  caseId: string;
  workflowId: string;
  title: string;
  date: string;
  /** When the plan is due, as the event's workflow counts it. */
  planDueAt: string | null;
}

export async function startCommunityEventPlan(deps: OpenCaseDeps, actor: Actor, body: unknown): Promise<{ planId: string; events: StartedCommunityEvent[] }> {
  authorize(actor, 'communityEvent', 'open');
  const now = await deps.now();
  const plan = parseAtTime(now, () => parseOr400(communityEventPlanSchema, body, '年度活动计划内容有误'));
  const cal = new BusinessCalendar(deps.calendar);
  // A plan filed under an Idempotency-Key keeps its number, and each event's receipt number follows from it.
  const planId = deps.request?.receipt ?? newCaseId('JH', cal, now);
  const events: StartedCommunityEvent[] = [];
  for (const [index, e] of plan.events.entries()) {
    const started = await startCase({
      client: deps.client,
      taskQueue: deps.taskQueue,
      cal,
      now,
      request: { requestId: deps.request?.requestId, receipt: deps.request?.receipt && derivedCaseId(communityEventContract.prefix, planId, index) },
      contract: communityEventContract,
      input: (caseId): CommunityEventInput => ({ ...e, caseId, planId, compiledBy: actor, calendar: deps.calendar, warnAt: deps.warnAt }),
    });
    events.push({ ...started, title: e.title, date: e.date, planDueAt: started.dueAt.plan ?? null });
  }
  return { planId, events };
}

export function communityEventRoutes(routes: Routes, deps: OpenCaseDeps): Routes {
  addOpenRoute(routes, deps, {
    api: communityEventContract,
    summary: "Files the year's community-event plan: one case per event, each due for its plan a month before its date.",
    planPrefix: 'JH',
    open: startCommunityEventPlan,
    receiptOf: (plan) => plan.planId,
  });
  return addCaseRoutes(routes, deps, communityEventContract);
}
