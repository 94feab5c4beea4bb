/**
 * What one cached workflow costs the worker, with and without the shared
 * modules preloaded (workflows/preload.ts), in one run: N workflows of each
 * kind are started and left waiting, and the worker's heap and CPU are read
 * before and after. The worker runs in this process (debugMode) so that the
 * heap it reads is the workflows' own.
 *
 *   npm run bench -- --per-workflow [N]    (default 200; the Java test server, nothing else)
 */
import { bundleWorkflowCode, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { startTestServer } from '../../test/support/testServer';
import { workflowBundleOptions } from '../../worker/bundle';
import { payloadDataConverter } from '../../worker/payloadCodec';
import { f1, table } from './stats';

const n = Number(process.argv[2] ?? 200);
const quiet = new DefaultLogger('ERROR');
const gc = (globalThis as { gc?: () => void }).gc;

async function main() {
  if (!gc) throw new Error('run with --expose-gc');
  Runtime.install({ logger: quiet });
  const { env, stop } = await startTestServer();
  try {
    const workflowsPath = require.resolve('./perWorkflowWorkflows');
    const bundles = {
      'modules per workflow': await bundleWorkflowCode({ workflowsPath, logger: quiet }),
      'modules preloaded': await bundleWorkflowCode({ ...workflowBundleOptions(workflowsPath), logger: quiet }),
    };
    const rows: string[][] = [];
    for (const [name, workflowBundle] of Object.entries(bundles)) {
      for (const kind of ['idleBare', 'idleRepair']) {
        const taskQueue = `per-workflow-${rows.length}`;
        const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, dataConverter: payloadDataConverter(), maxCachedWorkflows: n + 10, debugMode: true });
        await worker.runUntil(async () => {
          gc();
          const heap0 = process.memoryUsage().heapUsed;
          const cpu0 = process.cpuUsage();
          const handles = [];
          for (let i = 0; i < n; i++) handles.push(await env.client.workflow.start(kind, { taskQueue, workflowId: `${taskQueue}-${i}` }));
          for (const h of handles) {
            while (!(await h.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes)) await new Promise((r) => setTimeout(r, 20));
          }
          const cpu = process.cpuUsage(cpu0);
          gc();
          const heap = process.memoryUsage().heapUsed - heap0;
          rows.push([name, kind, f1(heap / n / 1024), f1((cpu.user + cpu.system) / n / 1000)]);
          for (const h of handles) await h.terminate();
        });
      }
    }
    console.log(table(['bundle', 'workflow', 'heap KiB / workflow', 'worker CPU ms / workflow'], rows));
    await env.teardown();
  } finally {
    stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
