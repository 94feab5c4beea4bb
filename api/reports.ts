/** `GET /reports/monthly?month=YYYY-MM[&format=csv]`: the month's figures per DOMAIN.md, as JSON or CSV for a spreadsheet. */
import type { Db } from '../db/client';
import { BusinessCalendar, type CalendarConfig } from '../workflows/lib/calendar';
import { parseOr400 } from './errors';
import { actorOf } from './identity';
import { monthlyReport, monthlyReportCsv, monthlyReportQuerySchema } from './monthlyReport';
import { authorize, permissionTable } from './permissions';
import type { Routes } from './routes';

export function reportRoutes(routes: Routes, deps: { db: Db; calendar: CalendarConfig }): Routes {
  const perm = permissionTable.reports.monthly;
  routes.get(
    '/monthly',
    {
      summary: `${perm.label}: cases per procedure, deadlines met and missed per step, return-visit rates, repeat complaints, repeated repairs`,
      description: 'The month is a local calendar month of the business calendar. `format=csv` answers UTF-8 CSV (with BOM, for Excel).',
      query: monthlyReportQuerySchema,
      roles: perm.roles,
      success: { status: 200, description: 'The report (JSON, or CSV with format=csv)' },
      errors: [400, 403],
    },
    async (req, res) => {
      authorize(actorOf(res), 'reports', 'monthly');
      const query = parseOr400(monthlyReportQuerySchema, req.query, '报表查询参数有误');
      const report = await monthlyReport(deps.db, new BusinessCalendar(deps.calendar), query.month);
      if (query.format === 'csv') {
        res
          .type('text/csv; charset=utf-8')
          .attachment(`monthly-report-${query.month}.csv`)
          .send(monthlyReportCsv(report));
        return;
      }
      res.json(report);
    },
  );
  return routes;
}
