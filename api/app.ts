/**
 * The staff HTTP API: JSON in and out, the acting staff member from the bearer
 * token, one error shape `{ code, message, issues? }`, one structured log line
 * per request. Every route is recorded with its zod schemas, and the OpenAPI
 * document at `/openapi.json` (browsable at `/docs`) is built from them.
 */
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import express, { type Express } from 'express';
import type { Db } from '../db/client';
import type { CalendarConfig } from '../workflows/lib/calendar';
import { archiveRoutes } from './archives';
import { caseRoutes } from './cases';
import { codecRouter } from './codec';
import { communityEventRoutes } from './communityEvents';
import { complaintRoutes } from './complaints';
import { type ErrorLog, errorMiddleware, notFound } from './errors';
import { healthRoutes } from './health';
import { identity } from './identity';
import { keyRoutes } from './keys';
import { moveInRoutes } from './moveIns';
import { docsPage, openApiDocument } from './openapi';
import { permissionTable } from './permissions';
import { repairRoutes } from './repairs';
import { reportRoutes } from './reports';
import { loadPriceList } from '../config/loadPriceList';
import type { PriceList } from '../workflows/repair/priceList';
import type { ReturnVisitMode } from '../workflows/repair/returnVisitSampling';
import { repairVisitSampleRoutes } from './returnVisitSamples';
import { monthlyFilingRoutes } from './filings';
import { type LogLine, requestContext } from './requestContext';
import { type Operation, Routes } from './routes';

export interface AppDeps {
  client: Client;
  db: Db;
  calendar: CalendarConfig;
  taskQueue: string;
  /** Warning points for every new case's deadlines (default in the procedures: 50% and 80%). */
  warnAt?: number[];
  /** How long engineering has to take a repair once notified (default 30 minutes, repair.policy.ts). */
  repairTakeUpWithin?: string;
  /** How repairs are visited: every one within 2 days (default), or a monthly sample (RETURN_VISITS=monthlySample). */
  returnVisits?: ReturnVisitMode;
  /** The paid-repair price list; default config/priceList.json (PRICE_LIST_FILE / PRICE_LIST_JSON), validated when the app is made. */
  priceList?: PriceList;
  /** Clock for registration times and due dates; tests pass the Temporal test server's clock. */
  now?: () => Date | Promise<Date>;
  /** Where unexpected errors are logged (one JSON object each); stderr by default. */
  log?: ErrorLog;
  /** Where the per-request log lines go; stdout by default. */
  requestLog?: LogLine;
  /** The payload codec the clients and workers use: served at `/codec` for the Temporal UI (absent: no codec endpoint). */
  payloadCodec?: PayloadCodec;
  /** Browser origins of the Temporal UI allowed to call `/codec` (default: the dev server's UI on port 8233). */
  codecOrigins?: readonly string[];
}

export const apiVersion = '0.4.3';

export function createApp(deps: AppDeps): Express & { locals: { operations: Operation[] } } {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(deps.requestLog));
  // The Temporal UI's codec endpoint: its own sign-in (a cookie) and its own body limit, before the JSON API's.
  if (deps.payloadCodec) app.use('/codec', codecRouter({ db: deps.db, codec: deps.payloadCodec, origins: deps.codecOrigins, now: deps.now }));
  app.use(express.json({ limit: '64kb' }));

  const book: Operation[] = [];
  const withClock = { ...deps, now: deps.now ?? (() => new Date()), priceList: deps.priceList ?? loadPriceList() };

  const open = new Routes('', 'system', book);
  healthRoutes(open, deps);
  open.get('/openapi.json', { summary: 'This OpenAPI document', success: { status: 200, description: 'OpenAPI 3.1' } }, (_req, res) => {
    res.json(openApiDocument(book, apiVersion));
  });
  open.get('/docs', { summary: 'Browsable API documentation', success: { status: 200, description: 'HTML', contentType: 'text/html' } }, (_req, res) => {
    res.type('html').send(docsPage(openApiDocument(book, apiVersion)));
  });
  app.use(open.router);

  app.use(identity(deps.db));
  const staff = new Routes('', 'cases', book);
  staff.get('/permissions', { summary: 'The permission table: which roles may take which action in which procedure', roles: permissionTable.cases.read.roles, success: { status: 200, description: 'procedure → action → { label, roles, stages? }' } }, (_req, res) => {
    res.json(permissionTable);
  });
  caseRoutes(staff, withClock);
  repairRoutes(staff.child('/repairs', 'repair'), withClock);
  complaintRoutes(staff.child('/complaints', 'complaint'), withClock);
  keyRoutes(staff.child('/keys', 'keyRegister'), withClock);
  archiveRoutes(staff.child('/archives', 'ownerArchive'), withClock);
  moveInRoutes(staff.child('/move-ins', 'moveIn'), withClock);
  communityEventRoutes(staff.child('/events', 'communityEvent'), withClock);
  monthlyFilingRoutes(staff.child('/filings', 'monthlyFiling'), withClock);
  repairVisitSampleRoutes(staff.child('/return-visit-samples', 'repairVisitSample'), withClock);
  reportRoutes(staff.child('/reports', 'reports'), withClock);
  app.use(staff.router);

  app.use(() => {
    throw notFound('接口不存在');
  });
  app.use(errorMiddleware(deps.log));
  app.locals.operations = book;
  return app as Express & { locals: { operations: Operation[] } };
}
