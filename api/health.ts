/**
 * `GET /healthz`: the process is up. `GET /readyz`: it can serve, i.e. the
 * Temporal frontend and the database both answer within a short timeout; 503
 * otherwise, with which one failed (for load balancers and `npm start`).
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Routes } from './routes';
import { findStuckCases } from '../worker/stuckCases';

const timeoutMs = 2_000;

/** 'ok', or what went wrong. */
async function probe(check: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (err) {
    return err instanceof Error ? err.message.slice(0, 200) : String(err);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(routes: Routes, deps: { client: Client; db: Db; now?: () => Date | Promise<Date> }): Routes {
  routes.get('/healthz', { summary: 'The process is up', success: { status: 200, description: '`{ ok: true }`' } }, (_req, res) => {
    res.json({ ok: true });
  });
  routes.get(
    '/readyz',
    {
      summary: 'Temporal and the database are reachable',
      success: { status: 200, description: '`{ ok: true, temporal: "ok", database: "ok", stuckCases: [] }`; 503 with the failing part otherwise. `stuckCases` lists the receipt numbers of open cases whose workflow task keeps failing (detail, not a failure of readiness)' },
    },
    async (_req, res) => {
      const [temporal, database] = await Promise.all([
        probe(() => deps.client.workflowService.getSystemInfo({})),
        probe(() => deps.db.staffMember.count()),
      ]);
      const ok = temporal === 'ok' && database === 'ok';
      let stuckCases: string[] = [];
      if (ok) {
        const found = await findStuckCases(deps.db, deps.client, await (deps.now ?? (() => new Date()))(), { limit: 20 }).catch(() => []);
        stuckCases = found.map((s) => s.caseId);
      }
      res.status(ok ? 200 : 503).json({ ok, temporal, database, stuckCases });
    },
  );
  return routes;
}
