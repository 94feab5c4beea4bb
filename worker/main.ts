/** Worker process: runs workflows and activities until SIGINT/SIGTERM, then drains. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { LogChannel } from '../activities/notifications';
import { loadCalendarConfig } from '../config/loadCalendar';
import { checkCalendarCoverage } from '../workflows/calendarCoverage/calendarCoverage.messages';
import { openSharedDb } from '../db/client';
import { centresWithCalendars } from '../api/centres';
import { temporalConfig, workerConfig } from './config';
import { createWorker } from './createWorker';
import { rebuildInbox } from './inboxRebuild';
import { payloadDataConverter } from './payloadCodec';
import { watchStuckCases } from './stuckCases';

async function main(): Promise<void> {
  const cfg = temporalConfig();
  const sizing = workerConfig();
  const db = await openSharedDb();
  // Every centre's calendar the API opens cases with must know the next 90 days' holidays; the manager is told when one does not.
  const activities = createActivities(db, new LogChannel());
  for (const centre of await centresWithCalendars(db, loadCalendarConfig())) {
    const coverage = await checkCalendarCoverage(activities, centre.calendar, new Date());
    if (!coverage.covered) console.log(JSON.stringify({ level: 'warn', msg: 'business calendar does not cover the next 90 days', centre: centre.id, ...coverage }));
  }
  // The inbox lines of the open cases, built again when the action tables or the inbox rules changed.
  const inbox = await rebuildInbox(db);
  if (inbox.rebuilt) console.log(JSON.stringify({ level: 'info', msg: 'inbox lines rebuilt', cases: inbox.cases }));
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const worker = await createWorker({ connection, namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: cfg.TEMPORAL_TASK_QUEUE, db, options: { maxCachedWorkflows: sizing.WORKER_MAX_CACHED_WORKFLOWS } });
  console.log(JSON.stringify({ level: 'info', msg: 'worker started', taskQueue: cfg.TEMPORAL_TASK_QUEUE, address: cfg.TEMPORAL_ADDRESS, maxCachedWorkflows: sizing.WORKER_MAX_CACHED_WORKFLOWS }));
  // Every minute: open cases whose workflow task keeps failing; the supervisors are told once per case.
  const clientConnection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: cfg.TEMPORAL_NAMESPACE, dataConverter: payloadDataConverter() });
  const stopWatch = watchStuckCases(db, client, new LogChannel(), 60_000, (e) => console.log(JSON.stringify(e)));
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets in-flight tasks finish.
  await worker.run();
  stopWatch();
  await clientConnection.close();
  await connection.close();
  await db.$disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
