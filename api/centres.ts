/**
 * Service centres (项目 / 服务中心): every case belongs to one; a staff member
 * works for one or more and sees and acts on their centres' cases only. A case
 * of another centre is 404 to them, never 403 (that would confirm it exists).
 * The executive (company level) sees every centre.
 */
import type { Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client';
import { Prisma } from '../generated/prisma/client';
import { withNationalDays } from '../config/nationalHolidays';
import { type CalendarConfig, parseCalendarConfig } from '../workflows/lib/calendar';
import { type PriceList, priceListSchema } from '../workflows/repair/priceList';
import type { Actor, Role } from '../workflows/lib/roles';
import { defaultCentre } from '../workflows/lib/stepRecord';
import { badRequest, forbidden, unauthorized } from './errors';
import { caseNotFound } from './temporalErrors';

/** Roles that work for the company, not for a centre: they see every centre. */
export const companyRoles: readonly Role[] = ['executive'];

/** The centres a request may see: every one, or the staff member's. */
export type CentreScope = { all: true } | { all: false; centres: string[] };

export const centreIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, '服务中心编号只能含小写字母、数字和连字符（至多 32 个字符）');

/**
 * What a centre may set of its own calendar: hours, rest days and days of its own
 * (the holidays are national). Checked in full by the calendar's schema once merged.
 */
export const centreCalendarSchema = z.strictObject({
  open: z.string().optional(),
  close: z.string().optional(),
  restDays: z.array(z.number()).optional(),
  holidays: z.array(z.string()).optional(),
  makeUpWorkdays: z.array(z.string()).optional(),
});
export type CentreCalendar = z.infer<typeof centreCalendarSchema>;

/** What a staff member sees: every centre at company level, else the centres they work for. */
export const scopeOf = (actor: Actor, centres: string[]): CentreScope => (companyRoles.includes(actor.role) ? { all: true } : { all: false, centres });

export function scopeFrom(res: Response): CentreScope {
  const scope = res.locals.scope as CentreScope | undefined;
  if (!scope) throw unauthorized();
  return scope;
}

export const inScope = (scope: CentreScope, centre: string): boolean => scope.all || scope.centres.includes(centre);

/**
 * The centres a reader's query keeps to: the one named, if they see it (else none), or all of
 * theirs; undefined at company level with none named (every centre).
 */
export function centresOf(scope: CentreScope, named?: string): string[] | undefined {
  if (named !== undefined) return inScope(scope, named) ? [named] : [];
  return scope.all ? undefined : scope.centres;
}

/** The same as a Prisma `where` part. */
export function centreWhere(scope: CentreScope, named?: string): { centre?: { in: string[] } } {
  const centres = centresOf(scope, named);
  return centres ? { centre: { in: centres } } : {};
}

/** The same as `AND c."centre" IN (...)` of a raw query. */
export function centreFilter(scope: CentreScope, column = Prisma.sql`c."centre"`): Prisma.Sql {
  const centres = centresOf(scope);
  if (!centres) return Prisma.empty;
  return centres.length ? Prisma.sql` AND ${column} IN (${Prisma.join(centres)})` : Prisma.sql` AND 1 = 0`;
}

/** 404 for a case of a centre the reader does not work for; a case not on record yet is Temporal's to answer. */
export async function assertCaseInScope(db: Db, scope: CentreScope, caseId: string): Promise<void> {
  if (scope.all) return;
  const row = await db.case.findUnique({ where: { id: caseId }, select: { centre: true } });
  if (row && !inScope(scope, row.centre)) throw caseNotFound(caseId);
}

/**
 * The centre a request acts for and its calendar (a new case opens in it; a report is handed
 * over for it): the one the request names (one of the actor's), or the actor's only centre.
 * `doing` says what in the refusal to someone of no centre.
 */
export async function centreToOpen(db: Db, scope: CentreScope, named: unknown, company: CalendarConfig, doing = '受理案件'): Promise<{ centre: string; calendar: CalendarConfig; priceList?: PriceList }> {
  let id: string | undefined;
  if (named !== undefined) {
    const parsed = centreIdSchema.safeParse(named);
    if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => ({ ...i, path: ['centre', ...i.path] })), '服务中心编号无效');
    id = parsed.data;
  } else if (!scope.all && scope.centres.length === 1) {
    id = scope.centres[0];
  } else if (!scope.all && scope.centres.length === 0) {
    throw forbidden(`您尚未加入任何服务中心，不能${doing}`);
  } else {
    const all = scope.all ? await db.centre.findMany({ select: { id: true }, take: 2 }) : [];
    if (all.length === 1) id = all[0]?.id;
    else throw badRequest([{ code: 'custom', path: ['centre'], message: '请指明服务中心（centre）' }], '请指明服务中心');
  }
  const centre = id === undefined || !inScope(scope, id) ? null : await db.centre.findUnique({ where: { id } });
  if (!centre) throw badRequest([{ code: 'custom', path: ['centre'], message: `没有您所属的服务中心 ${String(id)}` }], '服务中心无效');
  return { centre: centre.id, calendar: centreCalendarOf(company, centre), ...(centre.priceList ? { priceList: centrePriceListOf({ id: centre.id, priceList: centre.priceList }) } : {}) };
}

/**
 * A unit of the centre: once a centre has its units on record (`npm run centre:units`), a
 * case, a key or a paper for another unit number is refused (400 on `unit`); a centre with
 * none on record takes any unit number.
 */
export async function assertUnitOfCentre(db: Db, centre: string, unit: string): Promise<void> {
  const [listed, known] = await Promise.all([
    db.unit.findFirst({ where: { centre }, select: { unit: true } }),
    db.unit.findUnique({ where: { centre_unit: { centre, unit: unit.trim() } }, select: { unit: true } }),
  ]);
  if (listed && !known) throw badRequest([{ code: 'custom', path: ['unit'], message: `${unit} 不是服务中心 ${centre} 登记的房号` }], '房号无效');
}

/** A centre's own price list (stored checked; checked again as it is read). */
export function centrePriceListOf(centre: { id: string; priceList: string }): PriceList {
  const parsed = priceListSchema.safeParse(JSON.parse(centre.priceList) as unknown);
  if (!parsed.success) throw new Error(`服务中心 ${centre.id} 的价目表无效：${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * Every centre on record (or the one named) with its calendar; a database without any: the
 * default centre on the company's calendar. What each centre's schedules and the worker's
 * calendar check run on.
 */
export async function centresWithCalendars(db: Db, company: CalendarConfig, only?: string): Promise<{ id: string; name: string; calendar: CalendarConfig }[]> {
  const centres = await db.centre.findMany({ where: only === undefined ? {} : { id: only }, orderBy: { id: 'asc' } });
  const rows = centres.length > 0 || only !== undefined ? centres : [{ id: defaultCentre, name: '默认服务中心', calendar: '{}' }];
  return rows.map((c) => ({ id: c.id, name: c.name, calendar: centreCalendarOf(company, c) }));
}

/** The company's calendar with the centre's hours, rest days and days of its own (which win over the company's). */
export function centreCalendarOf(company: CalendarConfig, centre: { id: string; calendar: string }): CalendarConfig {
  const own = centreCalendarSchema.parse(JSON.parse(centre.calendar) as unknown);
  const { holidays, makeUpWorkdays, coveredThrough } = company;
  const merged = withNationalDays({ ...company, ...own, holidays: own.holidays ?? [], makeUpWorkdays: own.makeUpWorkdays ?? [] }, { holidays, makeUpWorkdays, coveredThrough });
  return parseCalendarConfig({ ...merged, ...(centre.id === defaultCentre ? {} : { centre: centre.id }) }, `centre ${centre.id}`);
}
