/**
 * Creates or updates (idempotently) the Temporal Schedules of the recurring
 * custody procedures: the weekly key audit (每周钥匙盘点, Fridays 16:00, before
 * the close so the supervisor can act the same day) and the monthly filing
 * reminder (1st of the month 09:00, so the previous month is filed by the 5th),
 * and the daily check that the calendar knows the next 90 days' holidays (08:00).
 * Times are in the business calendar's time zone. Run: `npx tsx scripts/schedules.ts`.
 */
import { Client, Connection, ScheduleAlreadyRunning, type ScheduleOptions } from '@temporalio/client';
import { loadCalendarConfig } from '../config/loadCalendar';
import { payloadDataConverter } from '../worker/payloadCodec';
import type { CalendarConfig } from '../workflows/lib/calendar';
import { type MonthlyFilingInput, monthlyFilingScheduleId } from '../workflows/monthlyFiling/monthlyFiling.messages';
import { type WeeklyKeyAuditInput, weeklyKeyAuditScheduleId } from '../workflows/keys/weeklyKeyAudit.messages';
import { type RepairVisitSamplingInput, repairVisitSampleScheduleId } from '../workflows/repairVisitSample/repairVisitSample.messages';
import { temporalConfig } from '../worker/config';
import { type CalendarCoverageInput, calendarCoverageScheduleId } from '../workflows/calendarCoverage/calendarCoverage.messages';

export function custodySchedules(calendar: CalendarConfig, taskQueue: string): ScheduleOptions[] {
  const weekly: [WeeklyKeyAuditInput] = [{ calendar }];
  const monthly: [MonthlyFilingInput] = [{ calendar }];
  const sampling: [RepairVisitSamplingInput] = [{ calendar }];
  const coverage: [CalendarCoverageInput] = [{ calendar }];
  return [
    {
      scheduleId: weeklyKeyAuditScheduleId,
      spec: { calendars: [{ comment: '每周五 16:00 钥匙盘点', dayOfWeek: 'FRIDAY', hour: 16, minute: 0 }], timezone: calendar.timezone },
      action: { type: 'startWorkflow', workflowType: 'weeklyKeyAudit', taskQueue, workflowId: 'weekly-key-audit', args: weekly },
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    },
    {
      scheduleId: monthlyFilingScheduleId,
      spec: { calendars: [{ comment: '每月1日 09:00 归档提醒', dayOfMonth: 1, hour: 9, minute: 0 }], timezone: calendar.timezone },
      action: { type: 'startWorkflow', workflowType: 'monthlyFiling', taskQueue, workflowId: 'monthly-filing', args: monthly },
      policies: { overlap: 'SKIP', catchupWindow: '3 days' },
    },
    {
      // 003 回访率 2 (RETURN_VISITS=monthlySample): last month's sample of repair work orders; nothing when none waits.
      scheduleId: repairVisitSampleScheduleId,
      spec: { calendars: [{ comment: '每月1日 09:30 维修回访抽样', dayOfMonth: 1, hour: 9, minute: 30 }], timezone: calendar.timezone },
      action: { type: 'startWorkflow', workflowType: 'repairVisitSampling', taskQueue, workflowId: 'repair-visit-sample', args: sampling },
      policies: { overlap: 'SKIP', catchupWindow: '3 days' },
    },
    {
      // The calendar as the schedules were last ensured (npm start and every deploy run this script).
      scheduleId: calendarCoverageScheduleId,
      spec: { calendars: [{ comment: '每日 08:00 节假日数据覆盖检查', hour: 8, minute: 0 }], timezone: calendar.timezone },
      action: { type: 'startWorkflow', workflowType: 'calendarCoverage', taskQueue, workflowId: 'calendar-coverage', args: coverage },
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    },
  ];
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

async function main(): Promise<void> {
  const cfg = temporalConfig();
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter: payloadDataConverter() });
  const result = await ensureSchedules(client, custodySchedules(loadCalendarConfig(), cfg.TEMPORAL_TASK_QUEUE));
  console.log(JSON.stringify({ level: 'info', msg: 'schedules ensured', ...result }));
  await connection.close();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
