/**
 * Creates or updates (idempotently) the Temporal Schedules of the recurring
 * procedures, one set per service centre, each on the centre's calendar: the
 * weekly key audit of its cabinet (每周钥匙盘点, Fridays 16:00, before the close
 * so the supervisor can act the same day), the monthly filing of its owner files
 * (1st of the month 09:00, so the previous month is filed by the 5th), the
 * monthly sample of its repair work orders' return visits, and the daily check
 * that its calendar knows the next 90 days' holidays (08:00). Times are in the
 * calendar's time zone. The default centre's schedules keep the ids they had
 * before centres; another centre's end in `-<centre>`.
 * Run: `npm run schedules` (every centre), `npm run centre:add` runs it for the new centre.
 */
import { Client, Connection, ScheduleAlreadyRunning, type ScheduleOptions } from '@temporalio/client';
import { centresWithCalendars } from '../api/centres';
import { loadCalendarConfig } from '../config/loadCalendar';
import { type Db, openSharedDb } from '../db/client';
import { payloadDataConverter } from '../worker/payloadCodec';
import type { CalendarConfig } from '../workflows/lib/calendar';
import { perCentre } from '../workflows/lib/stepRecord';
import { type MonthlyFilingInput, monthlyFilingScheduleId } from '../workflows/monthlyFiling/monthlyFiling.messages';
import { type WeeklyKeyAuditInput, weeklyKeyAuditScheduleId } from '../workflows/keys/weeklyKeyAudit.messages';
import { type RepairVisitSamplingInput, repairVisitSampleScheduleId } from '../workflows/repairVisitSample/repairVisitSample.messages';
import { temporalConfig } from '../worker/config';
import { type CalendarCoverageInput, calendarCoverageScheduleId } from '../workflows/calendarCoverage/calendarCoverage.messages';

/** One centre's schedules; its calendar (which names the centre, outside the default one) goes to every run. */
export function centreSchedules(centre: { id: string; name: string; calendar: CalendarConfig }, taskQueue: string): ScheduleOptions[] {
  const { calendar } = centre;
  const id = (base: string) => perCentre(base, centre.id);
  const weekly: [WeeklyKeyAuditInput] = [{ calendar }];
  const monthly: [MonthlyFilingInput] = [{ calendar }];
  const sampling: [RepairVisitSamplingInput] = [{ calendar }];
  const coverage: [CalendarCoverageInput] = [{ calendar }];
  const run = (workflowType: string, workflowId: string, args: unknown[]) => ({ type: 'startWorkflow' as const, workflowType, taskQueue, workflowId: id(workflowId), args });
  return [
    {
      scheduleId: id(weeklyKeyAuditScheduleId),
      spec: { calendars: [{ comment: `${centre.name} 每周五 16:00 钥匙盘点`, dayOfWeek: 'FRIDAY', hour: 16, minute: 0 }], timezone: calendar.timezone },
      action: run('weeklyKeyAudit', 'weekly-key-audit', weekly),
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    },
    {
      scheduleId: id(monthlyFilingScheduleId),
      spec: { calendars: [{ comment: `${centre.name} 每月1日 09:00 归档提醒`, dayOfMonth: 1, hour: 9, minute: 0 }], timezone: calendar.timezone },
      action: run('monthlyFiling', 'monthly-filing', monthly),
      policies: { overlap: 'SKIP', catchupWindow: '3 days' },
    },
    {
      // 003 回访率 2 (RETURN_VISITS=monthlySample): last month's sample of repair work orders; nothing when none waits.
      scheduleId: id(repairVisitSampleScheduleId),
      spec: { calendars: [{ comment: `${centre.name} 每月1日 09:30 维修回访抽样`, dayOfMonth: 1, hour: 9, minute: 30 }], timezone: calendar.timezone },
      action: run('repairVisitSampling', 'repair-visit-sample', sampling),
      policies: { overlap: 'SKIP', catchupWindow: '3 days' },
    },
    {
      // The calendar as the schedules were last ensured (npm start and every deploy run this script).
      scheduleId: id(calendarCoverageScheduleId),
      spec: { calendars: [{ comment: `${centre.name} 每日 08:00 节假日数据覆盖检查`, hour: 8, minute: 0 }], timezone: calendar.timezone },
      action: run('calendarCoverage', 'calendar-coverage', coverage),
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    },
  ];
}

/** Every centre's schedules (or one centre's), each on the centre's calendar. */
export async function allCentreSchedules(db: Db, company: CalendarConfig, taskQueue: string, only?: string): Promise<ScheduleOptions[]> {
  return (await centresWithCalendars(db, company, only)).flatMap((c) => centreSchedules(c, taskQueue));
}

/** Create each schedule, or bring an existing one up to date (spec, action, policies); safe to run again. */
export async function ensureSchedules(client: Client, schedules: ScheduleOptions[]): Promise<{ created: string[]; updated: string[] }> {
  const created: string[] = [];
  const updated: string[] = [];
  for (const s of schedules) {
    try {
      await client.schedule.create(s);
      created.push(s.scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(s.scheduleId).update((previous) => ({
        ...previous,
        spec: s.spec,
        action: s.action,
        policies: { ...previous.policies, ...s.policies },
        state: { paused: previous.state.paused, note: previous.state.note },
      }));
      updated.push(s.scheduleId);
    }
  }
  return { created, updated };
}

/** Ensures every centre's schedules (or one centre's: `--centre ID`). */
export async function ensureCentreSchedules(db: Db, only?: string): Promise<{ created: string[]; updated: string[] }> {
  const cfg = temporalConfig();
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS, connectTimeout: '5 seconds' });
  try {
    const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter: payloadDataConverter() });
    return await ensureSchedules(client, await allCentreSchedules(db, loadCalendarConfig(), cfg.TEMPORAL_TASK_QUEUE, only));
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  const at = process.argv.indexOf('--centre');
  const only = at >= 0 ? process.argv[at + 1] : undefined;
  (async () => {
    const db = await openSharedDb();
    try {
      console.log(JSON.stringify({ level: 'info', msg: 'schedules ensured', ...(await ensureCentreSchedules(db, only)) }));
    } finally {
      await db.$disconnect();
    }
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
