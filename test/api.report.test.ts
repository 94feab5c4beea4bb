/**
 * The monthly report over HTTP: a month's repairs opened and finished through
 * the API show up in its figures (JSON), the CSV downloads for Excel, and only
 * supervisors and above may read it. The figures themselves are proven on a
 * seeded month in monthlyReport.test.ts.
 */
import type { MonthlyReport } from '../api/monthlyReport';
import { useStaffHttp } from './support/http';
import { csr, eventually, localDate, supervisor, technician } from './support/scenario';
import { manager } from './support/complaintScenario';

const ctx = useStaffHttp(supervisor);

const repair = (unit: string) => ({ unit, ownerName: '周先生', ownerPhone: '13800000002', channel: 'phone', fault: '水管漏水' });

describe('GET /reports/monthly', () => {
  it("counts the month's repairs and their return visits, in JSON and as a CSV download", async () => {
    const now = new Date(await ctx.sys.env.currentTimeMs());
    const month = localDate(now).slice(0, 7);
    const unit = `9-9-${now.getTime() % 100000}`;
    const opened: string[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await ctx.http.post<{ caseId: string }>('/repairs', csr, repair(unit));
      opened.push(reply.body.caseId);
    }
    const [first] = opened as [string];
    await eventually(async () => (await ctx.http.get<{ steps: { action: string }[] }>(`/repairs/${first}/history`)).body.steps?.some((s) => s.action === 'register'));
    for (const [action, input, who] of [
      ['fillServiceRecord', {}, csr],
      ['takeJob', {}, technician],
      ['reportCompletion', { workDone: '更换水管', charges: [] }, technician],
      ['recordReturnVisit', { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false }, csr],
    ] as const) {
      expect((await ctx.http.post(`/repairs/${first}/actions/${action}`, who, input)).status).toBe(200);
    }

    // The case closes (and files itself) right after the visit is on record.
    await eventually(async () => (await ctx.sys.db.case.findUnique({ where: { id: first } }))?.closedAt);
    const report = await ctx.http.get<MonthlyReport>(`/reports/monthly?month=${month}`, supervisor);
    expect(report.status).toBe(200);
    expect(report.body.month).toBe(month);
    const repairs = report.body.cases.find((c) => c.procedure === 'repair');
    expect(repairs?.opened).toBeGreaterThanOrEqual(3);
    expect(repairs?.closed).toBeGreaterThanOrEqual(1);
    const visits = report.body.returnVisits.find((r) => r.procedure === 'repair');
    expect(visits?.visited).toBeGreaterThanOrEqual(1);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed `any` (@types/jest)
    expect(report.body.repeatedRepairs).toContainEqual(expect.objectContaining({ unit, count: 3, caseIds: expect.arrayContaining(opened) }));

    const csv = await fetch(`${ctx.http.server.url}/reports/monthly?month=${month}&format=csv`, { headers: await ctx.http.tokens.headersOf(supervisor) });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain(`monthly-report-${month}.csv`);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: Excel reads it as UTF-8
    expect(bytes.toString('utf8')).toContain(unit);
  });

  it('the supervisor hands the report to the manager in writing once; the manager acknowledges it once; the report shows who and when', async () => {
    // A past month, cleared first: on a shared database (PostgreSQL in CI) an earlier run's handover stays.
    const month = `2001-${String(1 + (Date.now() % 12)).padStart(2, '0')}`;
    await ctx.sys.db.reportHandover.deleteMany({ where: { month } });
    const future = await ctx.http.post<{ code: string }>(`/reports/monthly/2099-01/handover`, supervisor, {});
    expect([future.status, future.body.code]).toEqual([409, 'MonthNotEnded']);
    expect((await ctx.http.post<{ code: string }>(`/reports/monthly/${month}/acknowledge`, manager, {})).body.code).toBe('NotHandedOver');
    expect((await ctx.http.post(`/reports/monthly/${month}/handover`, manager, {})).status).toBe(403);
    expect((await ctx.http.post(`/reports/monthly/2099-13/handover`, supervisor, {})).status).toBe(400);
    const handed = await ctx.http.post<{ handedBy: string; handedAt: string; acknowledgedAt: string | null }>(`/reports/monthly/${month}/handover`, supervisor, { note: '回访不合格两起，附分析' });
    expect(handed.status).toBe(201);
    expect([handed.body.handedBy, handed.body.acknowledgedAt]).toEqual([supervisor.id, null]);
    const again = await ctx.http.post<{ code: string }>(`/reports/monthly/${month}/handover`, supervisor, {});
    expect([again.status, again.body.code]).toEqual([409, 'AlreadyHandedOver']);
    expect((await ctx.http.post(`/reports/monthly/${month}/acknowledge`, supervisor, {})).status).toBe(403);
    const [first, second] = await Promise.all([
      ctx.http.post<{ acknowledgedBy: string; code?: string }>(`/reports/monthly/${month}/acknowledge`, manager, {}),
      ctx.http.post<{ acknowledgedBy: string; code?: string }>(`/reports/monthly/${month}/acknowledge`, manager, {}),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const report = await ctx.http.get<{ handover: { handedBy: string; note: string; acknowledgedBy: string; acknowledgedAt: string } }>(`/reports/monthly?month=${month}`, supervisor);
    expect(report.body.handover).toMatchObject({ handedBy: supervisor.id, note: '回访不合格两起，附分析', acknowledgedBy: manager.id });
    expect(Date.parse(report.body.handover.acknowledgedAt)).toBeGreaterThanOrEqual(Date.parse(handed.body.handedAt));
  });

  it('refuses the front desk (403) and a malformed month (400)', async () => {
    expect((await ctx.http.get('/reports/monthly?month=2026-11', csr)).status).toBe(403);
    const bad = await ctx.http.get<{ code: string }>('/reports/monthly?month=2026-13', supervisor);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('InvalidInput');
  });
});
