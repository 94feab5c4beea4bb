/**
 * 一户一档 over HTTP. Owner data is private: every read of a household's file
 * (`GET /archives/:unit`) is authorised — customer service by role, anyone
 * else only with an approved access for that unit — and logged, allowed or
 * refused (403). Access requests are cases (`/archives/access`) with the shared
 * case routes; csr/supervisor file entries (`POST /archives/:unit/entries`).
 */
import { z } from 'zod';
import { archiveLedger, ownerFiles } from '../activities/archives';
import {
  type ArchiveAccessInput,
  requestArchiveAccessSchema,
  archiveAccessContract,
} from '../workflows/archiveAccess/archiveAccess.messages';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { ownerFileKindSchema } from '../workflows/lib/ownerFile';
import { type Actor } from '../workflows/lib/roles';
import { addCaseRoutes } from './caseRoutes';
import { ApiError, parseOr400 } from './errors';
import { actorOf } from './identity';
import { addOpenRoute } from './openRoute';
import { authorize, permissionTable } from './permissions';
import type { Routes } from './routes';
import type { CustodyDeps } from './keys';
import { startCase } from './caseStart';

const unitSchema = z.string().trim().min(1).max(40);
const fileEntrySchema = z.strictObject({
  kind: ownerFileKindSchema,
  ref: z.string().trim().min(1).max(60),
  summary: z.string().trim().min(1).max(500),
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
    { summary: `${perms.read.label} (every read is logged; others than customer service need an approved access)`, params: unitParams, roles: perms.read.roles, success: { status: 200, description: "The household's file" }, errors: [400, 403] },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, 'ownerArchive', 'read');
      const unit = parseOr400(unitSchema, req.params['unit'], '房号格式不正确');
      const read = await ownerFiles(deps.db).readOwnerFile(actor, unit, await deps.now());
      if (!read.decision.allowed) throw new ApiError(403, 'ArchiveAccessRequired', `查阅 ${unit} 的业主档案须经主管批准（已登记本次拒绝）`);
      res.json({ unit, authorisedBy: read.decision.reason, entries: read.entries });
    },
  );
  routes.get(
    '/:unit/reads',
    { summary: perms.readLog.label, params: unitParams, roles: perms.readLog.roles, success: { status: 200, description: 'Every read of the file, allowed or refused' }, errors: [400, 403] },
    async (req, res) => {
      authorize(actorOf(res), 'ownerArchive', 'readLog');
      const unit = parseOr400(unitSchema, req.params['unit'], '房号格式不正确');
      res.json(await ownerFiles(deps.db).readLog(unit));
    },
  );
  routes.post(
    '/:unit/entries',
    { summary: `${perms.file.label} (files a paper into the household's file)`, params: unitParams, body: fileEntrySchema, roles: perms.file.roles, success: { status: 201, description: 'The entry filed' }, errors: [400, 403] },
    async (req, res) => {
      authorize(actorOf(res), 'ownerArchive', 'file');
      const unit = parseOr400(unitSchema, req.params['unit'], '房号格式不正确');
      const entry = parseOr400(fileEntrySchema, req.body, '归档内容有误');
      await archiveLedger(deps.db).file({ unit, ...entry, filedAt: await deps.now() });
      res.status(201).json({ unit, kind: entry.kind, ref: entry.ref });
    },
  );
  return routes;
}
