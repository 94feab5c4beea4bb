/**
 * 钥匙管理 over HTTP: the register (add a key: supervisor or manager; list a
 * unit's keys), loans (`/keys/loans`: the front desk lends; a key already out is
 * refused with 409) and duplication/replacement applications
 * (`/keys/replacements`), each a case with the shared case routes.
 */
import { z } from 'zod';
import { createKeyActivities, keyRegister } from '../activities/keys';
import { keyCheckContract, keyCheckInputOf } from '../workflows/keys/keyCheck.messages';
import { keyAuditWindow } from '../workflows/keys/weeklyKeyAudit.messages';
import { BusinessCalendar } from '../workflows/lib/calendar';
import { type Actor } from '../workflows/lib/roles';
import {
  emergencyNames,
  type KeyLoanInput,
  requestKeyLoanSchema,
  keyLoanContract,
} from '../workflows/keys/keyLoan.messages';
import { centreOfKeyId, keyPartSchema, type KeyRecord, keyStatusNames } from '../workflows/keys/keyRegister';
import { centreOfCalendar } from '../workflows/lib/stepRecord';
import { assertUnitOfCentre, centreIdSchema, centreToOpen, scopeFrom } from './centres';
import {
  applyKeyReplacementSchema,
  type KeyReplacementInput,
  keyReplacementContract,
} from '../workflows/keys/keyReplacement.messages';
import { addCaseRoutes, readCase } from './caseRoutes';
import { type OpenCaseDeps, type OpenedCase, startCase } from './caseStart';
import { conflict, notFound, parseOr400 } from './errors';
import { actorOf } from './identity';
import { addOpenRoute } from './openRoute';
import { authorize, permissionTable } from './permissions';
import type { Routes } from './routes';
import { text } from '../workflows/lib/freeText';

export type CustodyDeps = OpenCaseDeps;

const addKeySchema = z.strictObject({
  /** The centre whose cabinet keeps it (when the staff member works for more than one). */
  centre: centreIdSchema.optional(),
  unit: z.string().trim().min(1).max(40).regex(/^[^/\s]+$/, '房号不能含斜杠或空白'),
  part: keyPartSchema,
  label: text(60).optional(),
  /** Keys of vacant and unoccupied units are sealed (封存). */
  sealed: z.boolean().default(false),
});

/** A key of the centre the case opens in: another centre's key is not in this cabinet's register (404, never 403). */
async function mustFindKey(deps: CustodyDeps, keyId: string): Promise<KeyRecord> {
  const key = await keyRegister(deps.db).findKey(keyId);
  if (!key || key.centre !== centreOfCalendar(deps.calendar)) throw notFound(`钥匙 ${keyId} 不在登记册中`, 'KeyNotFound');
  return key;
}

/** Loans and replacements open in the centre whose cabinet holds the key (its id names it). */
const centreOfKey = (body: unknown): string | undefined => {
  const keyId = (body as { keyId?: unknown } | null)?.keyId;
  return typeof keyId === 'string' ? centreOfKeyId(keyId.trim()) : undefined;
};

/** 1. A loan request: the key must be in the cabinet (or sealed); a key already out is refused here and by the ledger. */
export async function requestKeyLoan(deps: CustodyDeps, actor: Actor, body: unknown): Promise<OpenedCase> {
  authorize(actor, 'keyLoan', 'open');
  const input = parseOr400(requestKeyLoanSchema, body, '钥匙借用登记内容有误');
  const key = await mustFindKey(deps, input.keyId);
  if (key.status === 'onLoan') {
    const open = await keyRegister(deps.db).openLoanOf(key.id);
    throw conflict(`钥匙 ${key.id} 已借出${open ? `（${open.borrower}，${open.caseId}）` : ''}，不能重复借出`, 'KeyOnLoan');
  }
  if (key.status !== 'inCabinet' && key.status !== 'sealed') {
    throw conflict(`钥匙 ${key.id} 状态为「${keyStatusNames[key.status]}」，不能借出`, 'KeyUnavailable');
  }
  const emergency = 'emergency' in input ? input.emergency : undefined;
  const borrower = input.borrower ?? '紧急用钥（待补登）';
  const purpose = input.purpose ?? (emergency ? `${emergencyNames[emergency.kind]}：${emergency.note}` : '');
  const sealed = key.status === 'sealed';
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const started = await startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
    contract: keyLoanContract,
    input: (caseId): KeyLoanInput => ({
      caseId,
      keyId: key.id,
      unit: key.unit,
      part: key.part,
      borrower,
      purpose,
      signatureRef: 'signatureRef' in input ? input.signatureRef : undefined,
      emergency,
      sealed,
      requestedBy: actor,
      calendar: deps.calendar,
    }),
  });
  // Two requests for one key at once both pass the check above; the register, in the loan's first
  // write, lets one out and refuses the other, and the refused one is told so now, never 201.
  if (started.stage === 'refused') {
    const view = await readCase(deps, keyLoanContract, started.caseId);
    throw conflict(`${view.refusal ?? `钥匙 ${key.id} 不能借出`}（已登记为 ${started.caseId}）`, view.refusedAs ?? 'KeyOnLoan');
  }
  return started;
}

/** Duplication or replacement: application → supervisor review → manager approval. */
export async function applyForKeyReplacement(deps: CustodyDeps, actor: Actor, body: unknown) {
  authorize(actor, 'keyReplacement', 'open');
  const input = parseOr400(applyKeyReplacementSchema, body, '配钥申请内容有误');
  const key = await mustFindKey(deps, input.keyId);
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const started = await startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
    contract: keyReplacementContract,
    input: (caseId): KeyReplacementInput => ({ ...input, caseId, unit: key.unit, appliedBy: actor, calendar: deps.calendar }),
  });
  return started;
}

/** A key check opened by a supervisor: the register as it stands now, the last week's usage. */
export async function openKeyCheck(deps: CustodyDeps, actor: Actor, body: unknown): Promise<OpenedCase> {
  authorize(actor, 'keyCheck', 'open');
  parseOr400(keyCheckContract.openSchema, body ?? {}, '开启钥匙查验的内容有误');
  const now = await deps.now();
  const cal = new BusinessCalendar(deps.calendar);
  const since = new Date(now.getTime() - cal.allowedMs(now, keyAuditWindow));
  const report = await createKeyActivities(deps.db).keyAudit({ since: since.toISOString(), until: now.toISOString(), centre: centreOfCalendar(deps.calendar) });
  if ((report.register ?? []).length === 0) throw conflict('钥匙登记为空，无需查验', 'NothingToCheck');
  return startCase({
    client: deps.client,
    taskQueue: deps.taskQueue,
    cal,
    now,
    request: deps.request,
    contract: keyCheckContract,
    input: (caseId) => keyCheckInputOf(caseId, report, { since, until: now }, { openedBy: actor, calendar: deps.calendar, warnAt: deps.warnAt }),
  });
}

const unitQuerySchema = z.strictObject({ unit: z.string().trim().min(1, '请指定房号（?unit=）').max(40), centre: centreIdSchema.optional() });

export function keyRoutes(routes: Routes, deps: CustodyDeps): Routes {
  const loans = routes.child('/loans', 'keyLoan');
  addOpenRoute(loans, deps, {
    api: keyLoanContract,
    summary: 'Lends a key (a key already out is refused with 409); sealed keys and emergencies wait for approval.',
    open: requestKeyLoan,
    centreOf: centreOfKey,
  });
  addCaseRoutes(loans, deps, keyLoanContract);
  const replacements = routes.child('/replacements', 'keyReplacement');
  addOpenRoute(replacements, deps, {
    api: keyReplacementContract,
    summary: 'Applies for a key duplication or replacement (supervisor review, then manager approval).',
    open: applyForKeyReplacement,
    centreOf: centreOfKey,
  });
  addCaseRoutes(replacements, deps, keyReplacementContract);
  const checks = routes.child('/checks', 'keyCheck');
  addOpenRoute(checks, deps, {
    api: keyCheckContract,
    summary: 'Opens a physical key check by hand (the weekly schedule opens one): every key of the register, checked at its hook.',
    open: openKeyCheck,
  });
  addCaseRoutes(checks, deps, keyCheckContract);

  const register = permissionTable.keyRegister;
  routes.post(
    '/',
    { summary: `${register.add.label} (key cabinet register)`, body: addKeySchema, roles: register.add.roles, success: { status: 201, description: 'The key as registered' }, errors: [400, 403, 409] },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, 'keyRegister', 'add');
      const { centre: named, ...input } = parseOr400(addKeySchema, req.body, '钥匙登记内容有误');
      const { centre } = await centreToOpen(deps.db, scopeFrom(res), named, deps.calendar, '登记钥匙');
      await assertUnitOfCentre(deps.db, centre, input.unit);
      const { key, created } = await keyRegister(deps.db).addKey({ ...input, centre, label: input.label ?? `${input.unit} ${input.part}`, addedBy: actor.id });
      if (!created) throw conflict(`钥匙 ${key.id} 已在登记册中`, 'DuplicateKey');
      res.status(201).json(key);
    },
  );
  routes.get(
    '/',
    { summary: `${register.list.label}: a unit's keys`, query: unitQuerySchema, roles: register.list.roles, success: { status: 200, description: "The unit's keys and their status" }, errors: [400] },
    async (req, res) => {
      authorize(actorOf(res), 'keyRegister', 'list');
      const { unit, centre: named } = parseOr400(unitQuerySchema, req.query, '请指定房号（?unit=）');
      const { centre } = await centreToOpen(deps.db, scopeFrom(res), named, deps.calendar, '查看钥匙');
      res.json(await keyRegister(deps.db).listKeys(centre, unit));
    },
  );
  return routes;
}
