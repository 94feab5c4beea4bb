/**
 * The staff HTTP API: JSON in and out, the acting staff member from the
 * request's identity, one error shape `{ code, message, issues? }`.
 */
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Db } from '../db/client';
import type { CalendarConfig } from '../workflows/lib/calendar';
import { type ErrorLog, errorMiddleware, notFound } from './errors';
import { identity } from './identity';
import { archivesRouter } from './archives';
import { complaintsRouter } from './complaints';
import { eventsRouter } from './events';
import { keysRouter } from './keys';
import { moveInsRouter } from './moveIns';
import { repairsRouter } from './repairs';

export interface AppDeps {
  client: Client;
  db: Db;
  calendar: CalendarConfig;
  taskQueue: string;
  /** Warning points for every new case's deadlines (default in the procedures: 50% and 80%). */
  warnAt?: number[];
  /** Clock for registration times and due dates; tests pass the Temporal test server's clock. */
  now?: () => Date | Promise<Date>;
  /** Where unexpected errors are logged (one JSON object each); stderr by default. */
  log?: ErrorLog;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  const withClock = { ...deps, now: deps.now ?? (() => new Date()) };
  app.use('/repairs', identity, repairsRouter(withClock));
  app.use('/complaints', identity, complaintsRouter(withClock));
  app.use('/keys', identity, keysRouter(withClock));
  app.use('/archives', identity, archivesRouter(withClock));
  app.use('/move-ins', identity, moveInsRouter(withClock));
  app.use('/events', identity, eventsRouter(withClock));

  app.use(() => {
    throw notFound('接口不存在');
  });
  app.use(errorMiddleware(deps.log));
  return app;
}
