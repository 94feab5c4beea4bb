/**
 * `GET /reports/monthly?month=YYYY-MM[&format=csv]`: the month's figures per DOMAIN.md, as JSON or CSV
 * for a spreadsheet, with whether the report was handed to the manager in writing and acknowledged:
 * `POST /reports/monthly/:month/handover` (the supervisor) and `…/acknowledge` (the manager), each once.
 */
import { z } from 'zod';
import { isUniqueViolation } from '../activities/keys';
import type { Db } from '../db/client';
import { optionalText } from '../workflows/lib/freeText';
import { BusinessCalendar, type CalendarConfig } from '../workflows/lib/calendar';
import { centreIdSchema, centresOf, centreToOpen, scopeFrom } from './centres';
import { conflict, parseOr400 } from './errors';
import { actorOf } from './identity';
import { monthlyReport, monthlyReportCsv, monthlyReportQuerySchema } from './monthlyReport';
import { monthBounds, monthSchema } from './report/period';
import { authorize, permissionTable } from './permissions';
import type { Routes } from './routes';

/** Whose report: one of the reader's centres (absent: their only one). */
const centreField = { centre: centreIdSchema.optional() };
const handoverBodySchema = z.strictObject({ note: optionalText(1000), ...centreField });
const acknowledgeBodySchema = z.strictObject(centreField);
const monthParams = { month: monthSchema };

/** Whether the month's report went to the manager in writing, and when the manager acknowledged it. */
export interface ReportHandoverState {
  month: string;
  centre: string;
  handedBy: string;
  handedAt: string;
  note: string;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

async function handoverOf(db: Db, month: string, centre: string): Promise<ReportHandoverState | null> {
  const row = await db.reportHandover.findUnique({ where: { month_centre: { month, centre } } });
  return row && { ...row, handedAt: row.handedAt.toISOString(), acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null };
}

export function reportRoutes(routes: Routes, deps: { db: Db; calendar: CalendarConfig; now: () => Date | Promise<Date> }): Routes {
  const perm = permissionTable.reports.monthly;
  routes.get(
    '/monthly',
    {
      summary: `${perm.label}: cases per procedure, deadlines met and missed per step, return-visit rates, repeat complaints, repeated repairs`,
      description:
        "The month is a local calendar month of the business calendar. A centre's staff get their centres' figures (`centres` says which); the company level every centre's, or one centre's with `centre`. `by=centre` adds each of those centres' own report and handover side by side (`byCentre`). `format=csv` answers UTF-8 CSV (with BOM, for Excel).",
      query: monthlyReportQuerySchema,
      roles: perm.roles,
      success: { status: 200, description: 'The report (JSON, or CSV with format=csv)' },
      errors: [400, 403],
    },
    async (req, res) => {
      authorize(actorOf(res), 'reports', 'monthly');
      const query = parseOr400(monthlyReportQuerySchema, req.query, '报表查询参数有误');
      // A centre's staff see their centres' figures; the company level every centre's, or one named.
      const calendar = new BusinessCalendar(deps.calendar);
      const report = await monthlyReport(deps.db, calendar, query.month, centresOf(scopeFrom(res), query.centre));
      // The centres read, by name: what the CSV's blocks and the side-by-side reports are headed with.
      const centresRead = () => deps.db.centre.findMany({ where: report.centres ? { id: { in: report.centres } } : {}, select: { id: true, name: true }, orderBy: { id: 'asc' } });
      // Side by side: each centre read, its own report (one centre after another, not all at once).
      const eachCentre = async (centres: { id: string; name: string }[]) => {
        const reports = [];
        for (const c of centres) reports.push({ centre: c.id, name: c.name, report: await monthlyReport(deps.db, calendar, query.month, [c.id]) });
        return reports;
      };
      if (query.format === 'csv') {
        const centres = await centresRead();
        const names = Object.fromEntries(centres.map((c) => [c.id, c.name]));
        const byCentre = query.by === 'centre' ? (await eachCentre(centres)).map((c) => c.report) : [];
        res
          .type('text/csv; charset=utf-8')
          .attachment(`monthly-report-${query.month}${query.centre ? `-${query.centre}` : ''}.csv`)
          .send(monthlyReportCsv(report, names, byCentre));
        return;
      }
      // A centre's report says whether it went to its manager; a report over several centres has no one handover.
      const one = report.centres?.length === 1 ? report.centres[0] : undefined;
      const handover = one === undefined ? null : await handoverOf(deps.db, query.month, one);
      if (query.by !== 'centre') {
        res.json({ ...report, handover });
        return;
      }
      const byCentre = [];
      for (const c of await eachCentre(await centresRead())) byCentre.push({ ...c, handover: await handoverOf(deps.db, query.month, c.centre) });
      res.json({ ...report, handover, byCentre });
    },
  );
  routes.post(
    '/monthly/:month/handover',
    {
      summary: `${permissionTable.reports.handOver.label}: the supervisor hands the month's report of their centre (its analysis) to the manager in writing, once`,
      description: 'For the centre named (`centre`, one of theirs) or their only centre.',
      params: monthParams,
      body: handoverBodySchema,
      roles: permissionTable.reports.handOver.roles,
      success: { status: 201, description: 'Handed over: who and when' },
      errors: [400, 403, 409],
    },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, 'reports', 'handOver');
      const month = parseOr400(monthSchema, req.params['month'], '月份格式：YYYY-MM');
      const body = parseOr400(handoverBodySchema, req.body ?? {}, '报送内容有误');
      const { centre } = await centreToOpen(deps.db, scopeFrom(res), body.centre, deps.calendar, '报送月度报表');
      const at = await deps.now();
      // The figures are final only once the month is over.
      if (at.getTime() < monthBounds(new BusinessCalendar(deps.calendar), month).to.getTime()) throw conflict(`${month} 尚未结束，月度报表不能报送`, 'MonthNotEnded');
      try {
        await deps.db.reportHandover.create({ data: { month, centre, handedBy: actor.id, handedAt: at, note: body.note } });
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict(`${month} 月度报表已报送经理`, 'AlreadyHandedOver');
        throw err;
      }
      res.status(201).json(await handoverOf(deps.db, month, centre));
    },
  );
  routes.post(
    '/monthly/:month/acknowledge',
    {
      summary: `${permissionTable.reports.acknowledge.label}: the manager acknowledges the report handed over, once`,
      description: 'For the centre named (`centre`, one of theirs) or their only centre.',
      body: acknowledgeBodySchema,
      params: monthParams,
      roles: permissionTable.reports.acknowledge.roles,
      success: { status: 200, description: 'Acknowledged: who and when' },
      errors: [400, 403, 409],
    },
    async (req, res) => {
      const actor = actorOf(res);
      authorize(actor, 'reports', 'acknowledge');
      const month = parseOr400(monthSchema, req.params['month'], '月份格式：YYYY-MM');
      const body = parseOr400(acknowledgeBodySchema, req.body ?? {}, '签收内容有误');
      const { centre } = await centreToOpen(deps.db, scopeFrom(res), body.centre, deps.calendar, '签收月度报表');
      const at = await deps.now();
      const { count } = await deps.db.reportHandover.updateMany({ where: { month, centre, acknowledgedAt: null }, data: { acknowledgedBy: actor.id, acknowledgedAt: at } });
      if (count === 0) {
        const row = await handoverOf(deps.db, month, centre);
        throw row ? conflict(`${month} 月度报表已由 ${row.acknowledgedBy ?? ''} 签收`, 'AlreadyAcknowledged') : conflict(`${month} 月度报表尚未报送经理`, 'NotHandedOver');
      }
      res.json(await handoverOf(deps.db, month, centre));
    },
  );
  return routes;
}
