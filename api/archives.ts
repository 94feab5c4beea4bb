/**
 * 一户一档 over HTTP. Owner data is private: every read of a household's file
 * (`GET /archives/:unit`) is authorised — customer service by role, anyone
 * else only with an approved access for that unit — and logged, allowed or
 * refused (403). Access requests are cases (`/archives/access`) with the shared
 * case routes; csr/supervisor file entries (`POST /archives/:unit/entries`).
 */
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { type Household, ownerFiles } from '../activities/archives';
import { assertUnitOfCentre, centreIdSchema, centreToOpen, scopeFrom } from './centres';
import {
  type ArchiveAccessInput,
  requestArchiveAccessSchema,
  archiveAccessContract,
} from '../workflows/archiveAccess/archiveAccess.messages';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { ownerFileKindSchema } from '../workflows/lib/ownerFile';
import { type Actor } from '../workflows/lib/roles';
import { addCaseRoutes } from './caseRoutes';
import { ApiError, conflict, parseOr400 } from './errors';
import { parseIdempotencyKey } from './idempotency';
import { requestIdOf } from './requestContext';
import { actorOf } from './identity';
import { addOpenRoute } from './openRoute';
import { authorize, permissionTable } from './permissions';
import type { Routes } from './routes';
import type { CustodyDeps } from './keys';
import { startCase } from './caseStart';
import { text } from '../workflows/lib/freeText';

const unitSchema = text(40);
const fileEntrySchema = z.strictObject({
  /** The centre whose household it is (when the staff member works for more than one). */
  centre: centreIdSchema.optional(),
  kind: ownerFileKindSchema,
  ref: text(60),
  summary: text(500),
  content: z.unknown().default({}),
});

/** Any staff member may ask; what it needs depends on who asks and what for. */
export async function requestArchiveAccess(deps: CustodyDeps, actor: Actor, body: unknown) {
  const input = parseOr400(requestArchiveAccessSchema, body, '档案借阅申请内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const started = await startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
    contract: archiveAccessContract,
    input: (caseId): ArchiveAccessInput => ({ ...input, caseId, requestedBy: actor, calendar: deps.calendar }),
  });
  return started;
}

const unitParams = { unit: unitSchema };
/** Which centre's household (unit numbers repeat from centre to centre): needed when the reader works for more than one. */
const householdQuery = z.strictObject({ centre: centreIdSchema.optional() });

/** The household a request means: its unit in the centre it names, or in the reader's only centre. */
async function householdOf(deps: CustodyDeps, req: Request, res: Response, named: string | undefined, doing: string): Promise<Household> {
  const unit = parseOr400(unitSchema, req.params['unit'], '房号格式不正确');
  const { centre } = await centreToOpen(deps.db, scopeFrom(res), named, deps.calendar, doing);
  return { centre, unit };
}

export function archiveRoutes(routes: Routes, deps: CustodyDeps): Routes {
  const access = routes.child('/access', 'archiveAccess');
  addOpenRoute(access, deps, {
    api: archiveAccessContract,
    summary: "Asks to view, take out, copy or lend a household's file; what it needs depends on who asks and what for.",
    open: requestArchiveAccess,
  });
  addCaseRoutes(access, deps, archiveAccessContract);

  const perms = permissionTable.ownerArchive;
  routes.get(
    '/:unit',
    { summary: `${perms.read.label} (every read is logged; others than customer service need an approved access)`, params: unitParams, query: householdQuery, roles: perms.read.roles, success: { status: 200, description: "The household's file" }, errors: [400, 403] },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, 'ownerArchive', 'read');
      const { centre } = parseOr400(householdQuery, req.query, '查询条件有误');
      const household = await householdOf(deps, req, res, centre, '查阅档案');
      const read = await ownerFiles(deps.db).readOwnerFile(actor, household, await deps.now());
      if (!read.decision.allowed) throw new ApiError(403, 'ArchiveAccessRequired', `查阅 ${household.unit} 的业主档案须经主管批准（已登记本次拒绝）`);
      res.json({ ...household, authorisedBy: read.decision.reason, entries: read.entries });
    },
  );
  routes.get(
    '/:unit/reads',
    { summary: perms.readLog.label, params: unitParams, query: householdQuery, roles: perms.readLog.roles, success: { status: 200, description: 'Every read of the file, allowed or refused' }, errors: [400, 403] },
    async (req, res) => {
      authorize(actorOf(res), 'ownerArchive', 'readLog');
      const { centre } = parseOr400(householdQuery, req.query, '查询条件有误');
      res.json(await ownerFiles(deps.db).readLog(await householdOf(deps, req, res, centre, '查看查阅登记')));
    },
  );
  routes.post(
    '/:unit/entries',
    {
      summary: `${perms.file.label} (files a paper into the household's file)`,
      description:
        "A paper of a kind and ref already in the file is kept as its next version beside the earlier ones. A retry is recognised by its `Idempotency-Key` (or `X-Request-Id`), never by its content: the same key answers 200 with `Idempotent-Replayed: true`, and the same key for another paper is 409.",
      params: unitParams,
      body: fileEntrySchema,
      roles: perms.file.roles,
      idempotent: true,
      success: { status: 201, description: 'The entry filed, with its version' },
      errors: [400, 403, 409],
    },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, 'ownerArchive', 'file');
      const { centre, ...entry } = parseOr400(fileEntrySchema, req.body, '归档内容有误');
      const household = await householdOf(deps, req, res, centre, '归档');
      await assertUnitOfCentre(deps.db, household.centre, household.unit);
      const key = parseIdempotencyKey(req.get('Idempotency-Key'));
      const requestKey = key ? `idem:${actor.id}:${key}` : `request:${actor.id}:${requestIdOf(res) ?? randomUUID()}`;
      const filed = await ownerFiles(deps.db).fileByRequest({ ...household, ...entry, filedAt: await deps.now(), filedBy: actor.id, requestKey });
      if (filed.outcome === 'keyReused') throw conflict('该 Idempotency-Key 已用于另一份归档', 'IdempotencyKeyReused');
      if (filed.outcome === 'replayed') res.setHeader('Idempotent-Replayed', 'true');
      res.status(filed.outcome === 'filed' ? 201 : 200).json({ ...household, kind: entry.kind, ref: entry.ref, version: filed.version });
    },
  );
  return routes;
}
