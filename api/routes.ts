/**
 * Routes that describe themselves: each route is registered together with its
 * OpenAPI description (summary, zod schemas of path, query and body, who may
 * call it, what it answers), so the served document (`/openapi.json`) is built
 * from the same schemas the handlers validate with.
 */
import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { z } from 'zod';
import type { Role } from '../workflows/lib/roles';

export type Method = 'get' | 'post';

export interface Operation {
  method: Method;
  /** OpenAPI path, e.g. `/repairs/{caseId}`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  params?: Record<string, z.ZodType>;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Roles allowed to call it (absent: no token needed). */
  roles?: readonly Role[];
  /** Success status and what it answers. */
  success: { status: number; description: string; contentType?: string };
  /** Error statuses it may answer besides 401/500 (400, 403, 404, 409...). */
  errors?: number[];
  /** Accepts an `Idempotency-Key` header. */
  idempotent?: boolean;
}

export type RouteDoc = Omit<Operation, 'method' | 'path' | 'tag'> & { tag?: string };

/** For a generic route whose operations are listed with `Routes.document` (e.g. one per case action). */
export const documentedSeparately = Symbol('documentedSeparately');
export type DocumentedSeparately = typeof documentedSeparately;

/** `/repairs/:caseId/actions/:action` → `/repairs/{caseId}/actions/{action}` */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:(\w+)/g, '{$1}');

/** A router under a base path that records an `Operation` for every route it serves. */
export class Routes {
  readonly router: Router = Router();

  constructor(
    readonly base: string,
    readonly tag: string,
    readonly book: Operation[] = [],
  ) {}

  /** A child under `path` (mounted on this router), sharing the book. */
  child(path: string, tag = this.tag): Routes {
    const child = new Routes(this.base + path, tag, this.book);
    this.router.use(path, child.router);
    return child;
  }

  get(path: string, doc: RouteDoc | DocumentedSeparately, handler: (req: Request, res: Response) => Promise<void> | void): this {
    return this.add('get', path, doc, handler);
  }

  post(path: string, doc: RouteDoc | DocumentedSeparately, handler: (req: Request, res: Response) => Promise<void> | void): this {
    return this.add('post', path, doc, handler);
  }

  /** The OpenAPI path of a route of this router. */
  fullPath(path: string): string {
    return openApiPath(this.base + (path === '/' ? '' : path)) || '/';
  }

  /** Documents operations served by a generic route (e.g. one path per case action). */
  document(ops: Operation[]): this {
    this.book.push(...ops);
    return this;
  }

  private add(method: Method, path: string, doc: RouteDoc | DocumentedSeparately, handler: RequestHandler | ((req: Request, res: Response) => unknown)): this {
    const full = this.fullPath(path);
    if (doc !== documentedSeparately) this.book.push({ method, path: full, tag: doc.tag ?? this.tag, ...doc });
    this.router[method](path, handler as RequestHandler);
    return this;
  }
}
