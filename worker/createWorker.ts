import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { LogChannel, type NotificationChannel } from '../activities/notifications';
import type { Db } from '../db/client';
import { workflowBundleOptions } from './bundle';
import { payloadDataConverter } from './payloadCodec';

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  channel?: NotificationChannel;
  /** Pre-bundled workflow code (tests bundle once and share it). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Worker options beyond the system's own (the bench's cache size, its baseline's activities). */
  options?: Partial<Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions'>> & { extraActivities?: Record<string, (...args: never[]) => Promise<unknown>> };
}

/** The one worker of the system: every procedure's workflows and activities. */
export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const { workflowsPath, preloadModules } = workflowBundleOptions();
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    // Payloads are encrypted before they reach Temporal (worker/payloadCodec.ts).
    dataConverter: payloadDataConverter(),
    ...(deps.workflowBundle
      ? { workflowBundle: deps.workflowBundle }
      : { workflowsPath, bundlerOptions: { preloadModules } }),
    activities: { ...createActivities(deps.db, deps.channel ?? new LogChannel()), ...deps.options?.extraActivities },
    ...(deps.options?.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: deps.options.maxCachedWorkflows } : {}),
    ...(deps.options?.maxConcurrentWorkflowTaskExecutions !== undefined ? { maxConcurrentWorkflowTaskExecutions: deps.options.maxConcurrentWorkflowTaskExecutions } : {}),
    // On SIGTERM the worker stops polling and lets running activities finish (up to this long) before it exits.
    shutdownGraceTime: '30 seconds',
  });
}
