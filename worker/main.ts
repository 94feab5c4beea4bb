/** Worker process: runs workflows and activities until SIGINT/SIGTERM, then drains. */
import { NativeConnection } from '@temporalio/worker';
import { openSharedDb } from '../db/client';
import { temporalConfig, workerConfig } from './config';
import { createWorker } from './createWorker';

async function main(): Promise<void> {
  const cfg = temporalConfig();
  const sizing = workerConfig();
  const db = await openSharedDb();
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const worker = await createWorker({ connection, namespace: cfg.TEMPORAL_NAMESPACE, taskQueue: cfg.TEMPORAL_TASK_QUEUE, db, options: { maxCachedWorkflows: sizing.WORKER_MAX_CACHED_WORKFLOWS } });
  console.log(JSON.stringify({ level: 'info', msg: 'worker started', taskQueue: cfg.TEMPORAL_TASK_QUEUE, address: cfg.TEMPORAL_ADDRESS, maxCachedWorkflows: sizing.WORKER_MAX_CACHED_WORKFLOWS }));
  // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets in-flight tasks finish.
  await worker.run();
  await connection.close();
  await db.$disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
