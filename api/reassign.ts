/**
 * 批量转交: a supervisor hands every open case one person holds (as assignee or
 * first-responsible person) to another — sick leave, shift change. Use case
 * only; the route that calls it lives with the others.
 *
 * Each case gets the shared `case.reassign` update, so each records the step in
 * its own audit trail. With a request id every case's update has a stable id
 * (`<requestId>:<caseId>`): a retried batch does not reassign anything twice.
 * A case that ended meanwhile, or in which the person no longer holds
 * anything, is skipped, not an error.
 */
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../db/client';
import { reassignInputSchema, reassignLabel, reassignUpdate } from '../workflows/lib/reassign';
import { type CentreScope, centreWhere } from './centres';
import type { Actor } from '../workflows/lib/roles';
import { ApiError, badRequest, parseOr400 } from './errors';
import { authorize } from './permissions';
import { fromTemporalError } from './temporalErrors';

/** The request body: from whom, to whom, why (the update's own input schema, strict, ids 1..64). */
export const reassignBodySchema = reassignInputSchema;
export type ReassignBody = z.infer<typeof reassignBodySchema>;

/** Why a case was left as it was. */
export type SkipReason = 'CaseEnded' | 'NothingToReassign';

export interface ReassignReport {
  reassigned: { caseId: string; procedure: string }[];
  skipped: { caseId: string; reason: SkipReason }[];
}

/** What the update's rejections mean for a batch: the case is skipped, for this reason. */
const skipReasons: Record<string, SkipReason> = {
  CaseEnded: 'CaseEnded',
  InvalidStage: 'CaseEnded', // the case was closing
  NothingToReassign: 'NothingToReassign',
};

/** How many cases are updated at once. */
const parallel = 8;

export async function reassignOpenCases(
  deps: { client: Client; db: Db },
  actor: Actor,
  /** The centres whose cases the supervisor hands over (their own). */
  scope: CentreScope,
  /** The request body as it came (parsed here). */
  body: unknown,
  requestId?: string,
): Promise<ReassignReport> {
  authorize(actor, 'cases', 'reassign');
  const input = parseOr400(reassignBodySchema, body, `「${reassignLabel}」的输入无效`);
  if (input.from === input.to) throw badRequest(undefined, '转出人与接收人不能相同');

  const cases = await deps.db.case.findMany({
    where: { closedAt: null, OR: [{ assignee: input.from }, { firstReceiver: input.from }], ...centreWhere(scope) },
    select: { id: true, procedure: true, workflowId: true },
    orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
  });

  /** One case: reassigned, or why not; anything unexpected is thrown (a retry with the same request id is safe). */
  const reassignOne = async (c: (typeof cases)[number]): Promise<SkipReason | undefined> => {
    const handle = deps.client.workflow.getHandle(c.workflowId);
    for (let attempt = 1; ; attempt++) {
      try {
        await handle.executeUpdate(reassignUpdate, {
          args: [{ actor, input }],
          ...(requestId ? { updateId: `${requestId}:${c.id}` } : {}),
        });
        return undefined;
      } catch (err) {
        const e = await fromTemporalError(err, c.id, handle);
        const skip = e instanceof ApiError ? skipReasons[e.code] : undefined;
        if (skip) return skip;
        // Running, yet the update was lost (the run continued as new meanwhile): once more.
        if (e instanceof ApiError && e.code === 'Retry' && attempt < 2) continue;
        throw e;
      }
    }
  };

  const outcomes: (SkipReason | undefined)[] = [];
  for (let i = 0; i < cases.length; i += parallel) {
    outcomes.push(...(await Promise.all(cases.slice(i, i + parallel).map(reassignOne))));
  }
  const report: ReassignReport = { reassigned: [], skipped: [] };
  cases.forEach((c, i) => {
    const skip = outcomes[i];
    if (skip) report.skipped.push({ caseId: c.id, reason: skip });
    else report.reassigned.push({ caseId: c.id, procedure: c.procedure });
  });
  return report;
}
