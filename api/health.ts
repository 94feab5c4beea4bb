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

/** How long `/readyz` reuses its look at stuck cases: load balancers call it every few seconds. */
const stuckLookMs = 60_000;

export function healthRoutes(routes: Routes, deps: { client: Client; db: Db; now?: () => Date | Promise<Date> }): Routes {
  let stuck: { at: number; caseIds: string[] } | undefined;
  let looking: Promise<void> | undefined;
  /** The receipt numbers of stuck cases, at most a minute old; a look that fails or takes over 2 s keeps the last. */
  const stuckCases = async (): Promise<string[]> => {
    if (!stuck || Date.now() - stuck.at > stuckLookMs) {
      looking ??= (async () => {
        const found = await findStuckCases(deps.db, deps.client, await (deps.now ?? (() => new Date()))(), { limit: 20 });
        stuck = { at: Date.now(), caseIds: found.map((s) => s.caseId) };
      })()
        .catch(() => undefined)
        .finally(() => (looking = undefined));
      await probe(() => looking ?? Promise.resolve());
    }
    return stuck?.caseIds ?? [];
  };
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
      res.status(ok ? 200 : 503).json({ ok, temporal, database, stuckCases: ok ? await stuckCases() : [] });
    },
  );
  return routes;
}
