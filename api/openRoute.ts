/**
 * `POST` that opens a case: the permission table says who may, the answer is
 * 201 once the case's registration is on record, with the receipt number
 * (受理编号) and the workflow's own stage and due times, and an
 * `Idempotency-Key` header makes a retried request return the same case.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { BusinessCalendar } from '../workflows/lib/calendar';
import type { Actor } from '../workflows/lib/roles';
import type { ProcedureContract } from '../workflows/lib/contract';
import type { Procedure } from '../workflows/registry';
import { newCaseId, type OpenCaseDeps } from './caseStart';
import { assertUnitOfCentre, centreToOpen, inScope, scopeFrom } from './centres';
import { ApiError } from './errors';
import { actorOf } from './identity';
import { openIdempotently, parseIdempotencyKey } from './idempotency';
import { authorize, permissionTable } from './permissions';
import { requestIdOf } from './requestContext';
import type { Routes } from './routes';

export interface Opened {
  caseId: string;
  workflowId: string;
}

export interface OpenRouteSpec<R extends object> {
  /** The procedure: its permission-table entry, receipt-number prefix and workflow ids. */
  api: Pick<ProcedureContract, 'procedure' | 'prefix' | 'workflowId' | 'openPath' | 'openSchema'>;
  /** The receipt-number prefix when one request opens several cases (a year's event plan: JH). */
  planPrefix?: string;
  summary: string;
  open: (deps: OpenCaseDeps, actor: Actor, body: unknown) => Promise<R>;
  /** The receipt number of an answer that is not one case (a year's event plan, which has no Location). */
  receiptOf?: (opened: R) => string;
  /** The centre the body itself names when it names none (a key's id names its cabinet's centre). */
  centreOf?: (body: unknown) => string | undefined;
}

/** The body without its `centre` (which service centre the case opens in). */
function withoutCentre(body: unknown): { centre: unknown; body: unknown } {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Object.hasOwn(body, 'centre')) return { centre: undefined, body };
  const { centre, ...rest } = body as Record<string, unknown>;
  return { centre, body: rest };
}

/** What a retry finds when an earlier attempt started the case but crashed before answering. */
async function startedEarlier(client: Client, workflowId: string, caseId: string): Promise<Opened | undefined> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return { caseId, workflowId };
  } catch {
    return undefined;
  }
}

export function addOpenRoute<R extends object>(routes: Routes, deps: OpenCaseDeps & { db: Db }, spec: OpenRouteSpec<R>): void {
  const path = spec.api.openPath ?? '/';
  const procedure = spec.api.procedure as Procedure;
  const perm = permissionTable[procedure].open;
  routes.post(
    path,
    {
      summary: `${perm.label} (opens a case)`,
      description: `${spec.summary} Answers once the registration is on record, with the receipt number and the workflow's own stage, next step and due times. Send an \`Idempotency-Key\` header to make retries safe. Add \`centre\` (a service centre's id) when you work for more than one; the case belongs to it and counts its deadlines on its calendar.`,
      body: spec.api.openSchema,
      roles: perm.roles,
      idempotent: true,
      success: { status: 201, description: 'The new case as its workflow answered: receipt number, workflow id, stage, whom it waits on, each clock\'s due time' },
      errors: [400, 403, 409],
    },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, procedure, 'open');
      const key = parseIdempotencyKey(req.get('Idempotency-Key'));
      const requestId = requestIdOf(res);
      // The centre is the request's, not the procedure's: it leaves the body before the procedure's own schema reads it.
      const { centre: named, body } = withoutCentre(req.body);
      const scope = scopeFrom(res);
      // A centre the body names but the reader does not work for is not looked up: the procedure finds nothing there (404).
      const implied = named === undefined ? spec.centreOf?.(body) : undefined;
      const { centre, calendar, priceList } = await centreToOpen(deps.db, scope, implied !== undefined && inScope(scope, implied) ? implied : named, deps.calendar);
      // A household's case is for one of the centre's units (when the centre has them on record).
      const unit = (body as { unit?: unknown } | null)?.unit;
      if (typeof unit === 'string') await assertUnitOfCentre(deps.db, centre, unit);
      // The case opens on its centre's calendar, and a paid repair at its centre's prices (the company's when it has none).
      const openWith = (receipt?: string) => spec.open({ ...deps, calendar, priceList: priceList ?? deps.priceList, request: { receipt, requestId } }, actor, body);
      const receiptOf = spec.receiptOf ?? ((r: R) => (r as Partial<Opened>).caseId ?? '');
      const answerWith = (status: number, body: R) => {
        res.locals.caseId = receiptOf(body);
        if (!spec.receiptOf) res.location(routes.fullPath(`/${receiptOf(body)}`));
        res.status(status).json(body);
      };
      if (!key) {
        answerWith(201, await openWith());
        return;
      }
      const cal = new BusinessCalendar(calendar);
      const now = await deps.now();
      const answer = await openIdempotently<R | Opened>(
        deps.db,
        { staffId: actor.id, key, route: `POST ${routes.fullPath(path)}`, body: req.body },
        () => newCaseId(spec.planPrefix ?? spec.api.prefix, cal, now),
        async (receipt, first) => {
          try {
            return await openWith(receipt);
          } catch (err) {
            // The request that reserved the key: its refusal (400, 403, a key already out...) stands. A retry or
            // a concurrent twin finds the case the first one started (its key loan refused by that very loan, or
            // a crash before the answer was stored) and answers with it.
            if (first && err instanceof ApiError && err.status < 500 && err.code !== 'DuplicateCase') throw err;
            const earlier = await startedEarlier(deps.client, spec.api.workflowId(receipt), receipt);
            if (earlier) return earlier;
            throw err;
          }
        },
      );
      if (answer.replayed) res.setHeader('Idempotent-Replayed', 'true');
      answerWith(answer.replayed ? 200 : 201, answer.body as R);
    },
  );
}
