/**
 * The OpenAPI 3.1 document, built from the routes' own records (the same zod
 * schemas the handlers validate with), and a browsable page over it that needs
 * nothing from the internet.
 */
import { z } from 'zod';
import { roleNames } from '../workflows/lib/roles';
import type { Operation } from './routes';

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const errorBody: JsonSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', description: 'For programs: InvalidInput, Unauthenticated, Forbidden, NotFound, InvalidStage, ...' },
    message: { type: 'string', description: 'For staff, in Simplified Chinese' },
    issues: { type: 'array', items: {}, description: 'zod issues, for developers' },
  },
};

const errorMeaning: Record<number, string> = {
  400: 'Invalid input (zod issues in `issues`)',
  401: 'Missing, invalid or revoked bearer token',
  403: 'The role may not take this action',
  404: 'No such case or action',
  409: "The case's state does not allow it (or a conflict such as a key already on loan)",
  413: 'Request body too large',
  415: 'The body is not UTF-8 JSON (`UnsupportedCharset`) or its Content-Encoding is not supported (`UnsupportedEncoding`)',
  500: 'Unexpected error',
  503: 'The database (`DatabaseUnavailable`) or Temporal (`TemporalUnavailable`) does not answer now; retry after `Retry-After` seconds',
};

function parameters(op: Operation): JsonSchema[] {
  const path = Object.entries(op.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema) }));
  const query = op.query ? (jsonSchema(op.query) as { properties?: Record<string, JsonSchema>; required?: string[] }) : undefined;
  const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: query?.required?.includes(name) ?? false,
    schema,
  }));
  const headers = op.idempotent
    ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: jsonSchema(z.string().min(8).max(100)), description: 'Retrying with the same key returns the same case' }]
    : [];
  return [...path, ...queryParams, ...headers];
}

function operation(op: Operation): JsonSchema {
  const errors = [...(op.roles ? [401] : []), ...(op.errors ?? []), ...(op.body ? [413, 415] : []), 500, ...(op.roles ? [503] : [])];
  const who = op.roles ? `\n\nRoles: ${op.roles.map((r) => `\`${r}\` (${roleNames[r]})`).join(', ')}.` : '';
  return {
    tags: [op.tag],
    summary: op.summary,
    description: `${op.description ?? ''}${who}`.trim() || undefined,
    operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(op.roles ? {} : { security: [] }),
    parameters: parameters(op),
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body) } } } } : {}),
    responses: {
      [op.success.status]: { description: op.success.description, content: { [op.success.contentType ?? 'application/json']: {} } },
      ...Object.fromEntries(
        [...new Set(errors)].map((status) => [status, { description: errorMeaning[status] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
      ),
    },
  };
}

export function openApiDocument(book: readonly Operation[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of book) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: '3.1.0',
    info: {
      title: '物业服务中心 staff API',
      version,
      description: 'Every case is a Temporal workflow. Authenticate with `Authorization: Bearer <token>` (issued by `npm run staff:add`). Errors are `{ code, message, issues? }`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [...new Set(book.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: errorBody },
    },
  };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained page listing every operation with its schemas (no CDN: this workplace is offline). */
export function docsPage(doc: JsonSchema): string {
  const paths = doc['paths'] as Record<string, Record<string, JsonSchema>>;
  const sections = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const body = (op['requestBody'] as { content: Record<string, { schema: unknown }> } | undefined)?.content['application/json']?.schema;
      const params = op['parameters'] as { name: string; in: string; required: boolean }[];
      return `<details id="${escapeHtml(String(op['operationId']))}"><summary><code class="m ${method}">${method.toUpperCase()}</code> <code>${escapeHtml(path)}</code> — ${escapeHtml(String(op['summary']))}</summary>
<p>${escapeHtml(typeof op['description'] === 'string' ? op['description'] : '')}</p>
${params.length ? `<p>Parameters: ${params.map((p) => `<code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''})`).join(', ')}</p>` : ''}
${body ? `<p>Body:</p><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre>` : ''}
<p>Responses: ${Object.entries(op['responses'] as Record<string, { description: string }>).map(([s, r]) => `<b>${s}</b> ${escapeHtml(r.description)}`).join(' · ')}</p></details>`;
    }),
  );
  const info = doc['info'] as { title: string; version: string; description: string };
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}details{border-bottom:1px solid #ddd;padding:.4rem 0}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:24rem}.m{display:inline-block;width:3.5rem;font-weight:bold}.get{color:#06c}.post{color:#080}</style></head>
<body><h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1><p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>${sections.join('\n')}</body></html>`;
}
