/**
 * The time-skipping test environment: the Java test server started through the
 * `existing-path` wrapper, the project's search attributes registered, one
 * worker with the real activities on a real database. Kept in one place so the
 * server can be swapped when Temporal ships time skipping in the dev server.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type LogEntry, Runtime, type Worker } from '@temporalio/worker';
import type { Db } from '../../db/client';
import { createWorker } from '../../worker/createWorker';
import { searchAttributeTypes } from '../../worker/searchAttributes';
import { type CapturingChannel, capturingChannel } from './channel';
import { createTestDb } from './db';
import { startTestServer } from './testServer';
import { clockTo, nextLocal, TimeSkippingDriver } from './timeSkippingDriver';
import { workflowBundleOptions } from '../../worker/bundle';

export const taskQueue = 'property-service-test';

export interface TimeSkippingSystem {
  /** What scenarios use: the guarded client, time skips that settle, the server's clock. */
  env: TimeSkippingDriver;
  /** The raw test environment (its client's result() unlocks time skipping: scenarios use `env`). */
  testEnv: TestWorkflowEnvironment;
  worker: Worker;
  db: Db;
  channel: CapturingChannel;
  teardown(): Promise<void>;
}

let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>> | undefined;

/** The workflow code, bundled once per test file (bundling is CPU-heavy: do it once, up front). */
export async function workflowBundle() {
  bundle ??= await bundleWorkflowCode({ ...workflowBundleOptions(), logger: quietLogger });
  return bundle;
}

/** The worker's and the SDK core's warnings and errors of the current test, printed only if it fails. */
const logLines: LogEntry[] = [];
let runtimeInstalled = false;

function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => logLines.push(entry)),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}

/**
 * jest hooks around every scenario of a file's system: the driver starts each
 * test afresh and checks the server's clock after it, and the test's log lines
 * are kept and printed when it failed (test/support/environment.ts).
 */
export function useScenarioHooks(current: () => TimeSkippingSystem | undefined): void {
  beforeEach(async () => {
    logLines.length = 0;
    await current()?.env.beginScenario();
  });
  afterEach(async () => {
    if ((globalThis as { __scenarioFailed?: boolean }).__scenarioFailed && logLines.length > 0) {
      console.error(logLines.map((e) => `[${e.level}] ${e.message} ${e.meta ? JSON.stringify(e.meta) : ''}`).join('\n'));
    }
    logLines.length = 0;
    await current()?.env.checkClock();
  });
}

/** Where every test file's clock starts: the next Monday at this local time. */
const startsAt = '09:30';

export async function startTimeSkippingSystem(): Promise<TimeSkippingSystem> {
  installQuietRuntime();
  const { env, stop } = await startTestServer();
  await registerSearchAttributes(env);
  const code = await workflowBundle();
  const db = createTestDb();
  const channel = capturingChannel();
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    db,
    channel,
    workflowBundle: code,
  });
  const running = worker.run();
  const driver = new TimeSkippingDriver(env);
  await driver.beginScenario();
  // The server's clock starts at the real now; every test file starts on the next Monday at 09:30
  // (Beijing) instead, so a scenario that does not place itself runs at the same hour of the week
  // whenever CI runs (a case opened at whatever hour CI ran once failed only at that hour).
  await clockTo(driver, await nextLocal(driver, 1, startsAt));
  return {
    env: driver,
    testEnv: env,
    worker,
    db,
    channel,
    async teardown() {
      worker.shutdown();
      await running;
      await db.$disconnect();
      await env.teardown();
      stop();
    },
  };
}

export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: searchAttributeTypes(),
  });
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (m: string) => console.error(m),
};

/** One system for a test file: started before its scenarios, torn down after them. */
export function useTimeSkippingSystem(): () => TimeSkippingSystem {
  let sys: TimeSkippingSystem | undefined;
  beforeAll(async () => {
    sys = await startTimeSkippingSystem();
  });
  useScenarioHooks(() => sys);
  afterAll(async () => {
    await sys?.teardown();
  });
  return () => {
    if (!sys) throw new Error('the time-skipping system is not started');
    return sys;
  };
}
