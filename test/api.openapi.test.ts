/**
 * The OpenAPI document against what the app really serves: every route found
 * by walking Express's router stack is in the document, and every documented
 * operation is served. Also: the docs page renders it, without a token.
 */
import type { Client } from '@temporalio/client';
import { createApp } from '../api/app';
import { type ApiServer, startApiServer } from '../api/server';
import type { Db } from '../db/client';
import { procedureContracts } from '../workflows/registry';
import { createTestDb } from './support/db';
import { testCalendar } from './support/scenario';

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every (method, path) the app serves, with Express parameters as `{name}`. */
function servedRoutes(stack: Layer[], base = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = `${base}${layer.route.path === '/' && base ? '' : layer.route.path}`.replace(/:(\w+)/g, '{$1}') || '/';
      return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${path}`);
    }
    if (layer.handle.stack) return servedRoutes(layer.handle.stack, base + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
    return [];
  });
}

/** A served path with parameters matches a documented path that fills them in (one operation per case action). */
const matches = (served: string, documented: string): boolean =>
  new RegExp(`^${served.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^ /]+').replace(/\{\w+\}/g, '[^ /]+')}$`).test(documented);

let db: Db;
let api: ApiServer;
beforeAll(async () => {
  db = createTestDb();
  api = await startApiServer({ client: {} as Client, db, calendar: testCalendar(), taskQueue: 'unused', requestLog: () => undefined }, 0);
});
afterAll(async () => {
  await api.close();
  await db.$disconnect();
});

describe('the OpenAPI document', () => {
  it('lists every route the app serves, and serves every operation it lists', async () => {
    const app = createApp({ client: {} as Client, db, calendar: testCalendar(), taskQueue: 'unused' });
    const served = servedRoutes((app as unknown as { router: { stack: Layer[] } }).router.stack);
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));

    expect(served.length).toBeGreaterThan(30);
    expect(served.filter((route) => !documented.some((d) => matches(route, d)))).toEqual([]);
    expect(documented.filter((d) => !served.some((route) => matches(route, d)))).toEqual([]);
    // Case actions are documented one by one, each with its own body schema.
    expect(documented).toContain('POST /repairs/{caseId}/actions/takeJob');
    expect(documented).toContain('POST /complaints/{caseId}/actions/grade');
    // Every procedure of the registry is served where its contract says: opened, read, and every one of its actions.
    const missing = procedureContracts.flatMap((c) =>
      [`POST ${c.basePath}${c.openPath ?? ''}`, `GET ${c.basePath}/{caseId}`, ...Object.keys(c.actions).map((a) => `POST ${c.basePath}/{caseId}/actions/${a}`)].filter((op) => !documented.includes(op)),
    );
    expect(missing).toEqual([]);
  });

  it('documents bodies from the same zod schemas the routes validate with, roles, errors and the bearer scheme', async () => {
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[]; additionalProperties?: unknown } }> }; description?: string; responses: Record<string, unknown>; parameters: { name: string; in: string }[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const open = doc.paths['/repairs']?.['post'];
    expect(open?.requestBody?.content['application/json']?.schema.required).toEqual(expect.arrayContaining(['unit', 'ownerName', 'ownerPhone', 'fault']));
    expect(open?.requestBody?.content['application/json']?.schema.additionalProperties).toBe(false);
    expect(open?.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(Object.keys(open?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
    expect(doc.paths['/complaints/{caseId}/actions/grade']?.['post']?.description).toContain('`supervisor`');
    expect(doc.paths['/cases']?.['get']?.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['procedure', 'stage', 'unit', 'assignee', 'overdue']));
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } });
  });

  it('the docs page lists every operation, needs no token and loads nothing from the internet', async () => {
    const res = await fetch(`${api.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('/repairs/{caseId}/actions/reportCompletion');
    expect(html).toContain('/reports/monthly');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });
});
