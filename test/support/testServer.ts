/**
 * The Java time-skipping test server on a free port, for the tests and for the
 * bench's per-workflow measurement (scripts/bench/perWorkflow.ts).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DataConverter } from '@temporalio/common';
import { projectRoot } from '../../db/config';
import { payloadDataConverter } from '../../worker/payloadCodec';

/** How long the Java test server may take to answer on a loaded machine (the SDK's own launcher allows 5 s, hard-coded). */
const testServerStartMs = 60_000;

/**
 * The Java time-skipping test server, started here rather than by the SDK's
 * launcher: that launcher gives a JVM 5 s to answer (hard-coded), which a cold
 * JVM on a busy 2-core machine sometimes misses. The environment is then made
 * for the running server through the SDK's own factory (the one
 * `createTimeSkipping` calls, typed private in 1.24).
 */
export async function startTestServer(): Promise<{ env: TestWorkflowEnvironment; stop: () => void }> {
  const port = await freePort();
  const server = spawn(path.join(projectRoot, 'scripts', 'temporal-test-server'), [String(port)], { stdio: 'ignore' });
  const stop = () => void server.kill('SIGKILL');
  try {
    const until = Date.now() + testServerStartMs;
    while (!(await answers(port))) {
      if (server.exitCode !== null) throw new Error(`the Java test server exited with ${server.exitCode} before it answered`);
      if (Date.now() > until) throw new Error(`the Java test server did not answer on port ${port} within ${testServerStartMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const factory = TestWorkflowEnvironment as unknown as {
      create(opts: { server: { type: 'existing' }; address: string; namespace: string; supportsTimeSkipping: true; client: { dataConverter: DataConverter } }): Promise<TestWorkflowEnvironment>;
    };
    const env = await factory.create({ server: { type: 'existing' }, address: `127.0.0.1:${port}`, namespace: 'default', supportsTimeSkipping: true, client: { dataConverter: payloadDataConverter() } });
    return { env, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
