/**
 * 一户一档 over HTTP. Owner data is private: every read of a household's file
 * (`GET /archives/:unit`) is authorised — customer service by role, anyone
 * else only with an approved access for that unit — and logged, allowed or
 * refused (403). Access requests are cases (`/archives/access`) with the shared
 * case routes; csr/supervisor file entries (`POST /archives/:unit/entries`).
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { ownerArchive } from '../activities/archives';
import {
  archiveAccessActions,
  type ArchiveAccessInput,
  archiveAccessKindNames,
  archiveAccessProcedure,
  type ArchiveAccessStage,
  archiveAccessState,
  archiveAccessUpdates,
  archiveAccessWorkflowId,
  type ArchiveAccessView,
  directReaders,
  requestArchiveAccessSchema,
} from '../workflows/archive/archiveAccess.messages';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { ownerFileKindSchema } from '../workflows/lib/ownerFile';
import { type Actor, type Role, roleNames } from '../workflows/lib/roles';
import { caseBreached, caseProcedure, caseStage, caseUnit } from '../workflows/lib/searchAttributes';
import { addCaseRoutes, type ProcedureApi } from './caseRoutes';
import { startCase } from './caseStart';
import { ApiError, forbidden, parseOr400 } from './errors';
import { actorOf } from './identity';
import type { CustodyDeps } from './keys';
import { caseIdPattern } from './caseStart';

export const archiveAccessApi: ProcedureApi<ArchiveAccessView> = {
  procedure: archiveAccessProcedure,
  workflowId: archiveAccessWorkflowId,
  caseIdSchema: z.string().regex(caseIdPattern('DA'), '申请编号格式不正确（例：DA20261122-ABC123）'),
  table: archiveAccessActions,
  updates: archiveAccessUpdates,
  state: archiveAccessState,
  systemSteps: { request: '借阅申请', viewingExpired: '查阅期限届满', close: '结案' },
};

/** Who files papers into a household's file. */
export const archiveFilers: readonly Role[] = ['csr', 'supervisor'];
/** Who reads the viewing log. */
export const readLogReaders: readonly Role[] = ['supervisor', 'manager'];

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
  const stage: ArchiveAccessStage =
    input.kind !== 'view' ? 'awaitingSupervisorReport' : directReaders.includes(actor.role) ? 'done' : 'awaitingPermission';
  const started = await startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    prefix: 'DA',
    workflowType: 'archiveAccess',
    workflowId: archiveAccessWorkflowId,
    args: (caseId): [ArchiveAccessInput] => [{ ...input, caseId, requestedBy: actor, calendar: deps.calendar }],
    searchAttributes: [
      { key: caseProcedure, value: archiveAccessProcedure },
      { key: caseStage, value: stage },
      { key: caseUnit, value: input.unit },
      { key: caseBreached, value: false },
    ],
    summary: (caseId) => `档案${archiveAccessKindNames[input.kind]} ${caseId} · ${input.unit} · ${actor.id}`,
    details: (caseId) =>
      [
        `**档案${archiveAccessKindNames[input.kind]} ${caseId}** · ${input.unit}`,
        `- 申请人：${roleNames[actor.role]} ${actor.id}，${cal.formatLocal(now)}`,
        `- 用途：${input.purpose}`,
        input.recipient ? `- 借阅单位：${input.recipient}` : '',
      ].filter(Boolean).join('\n'),
  });
  return { ...started, stage };
}

export function archivesRouter(deps: CustodyDeps): Router {
  const router = Router();
  const access = Router();
  access.post('/', async (req: Request, res: Response) => {
    const requested = await requestArchiveAccess(deps, actorOf(res), req.body);
    res.status(201).location(`/archives/access/${requested.caseId}`).json(requested);
  });
  router.use('/access', addCaseRoutes(access, deps, archiveAccessApi));

  router.get('/:unit', async (req: Request, res: Response) => {
    const actor = actorOf(res);
    const unit = parseOr400(unitSchema, req.params['unit'], '房号格式不正确');
    const read = await ownerArchive(deps.db).readOwnerFile(actor, unit, await deps.now());
    if (!read.decision.allowed) throw new ApiError(403, 'ArchiveAccessRequired', `查阅 ${unit} 的业主档案须经主管批准（已登记本次拒绝）`);
    res.json({ unit, authorisedBy: read.decision.reason, entries: read.entries });
  });
  router.get('/:unit/reads', async (req: Request, res: Response) => {
    const actor = actorOf(res);
    if (!readLogReaders.includes(actor.role)) throw forbidden(`角色「${roleNames[actor.role]}」不能查看档案查阅登记`);
    const unit = parseOr400(unitSchema, req.params['unit'], '房号格式不正确');
    res.json(await ownerArchive(deps.db).readLog(unit));
  });
  router.post('/:unit/entries', async (req: Request, res: Response) => {
    const actor = actorOf(res);
    if (!archiveFilers.includes(actor.role)) throw forbidden(`角色「${roleNames[actor.role]}」不能归档`);
    const unit = parseOr400(unitSchema, req.params['unit'], '房号格式不正确');
    const entry = parseOr400(fileEntrySchema, req.body, '归档内容有误');
    await ownerArchive(deps.db).file({ unit, ...entry });
    res.status(201).json({ unit, kind: entry.kind, ref: entry.ref });
  });
  return router;
}
