import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import type { ApiKeyScope } from '../auth/api-key.js';
import type { StaffRole } from '../auth/staff-token.js';
import { ApiError, type FieldProblem } from '../errors/index.js';
import { contextOf, type Principal, type RequestContext } from './context.js';
import { problemSchema } from './common-schemas.js';

/** Who may call a route. Tenant routes need an API key with the scope ('write' implies 'read'). */
export type AuthRequirement = { kind: 'none' } | { kind: 'tenant'; scope: ApiKeyScope } | { kind: 'staff'; roles: readonly StaffRole[] };

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Empty = z.ZodObject;

export type RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, H extends z.ZodType> = {
  method: Method;
  /** Express path with `:param` segments, e.g. `/v1/sip-users/:id`. */
  path: string;
  tag: string;
  summary: string;
  auth: AuthRequirement;
  params?: P;
  query?: Q;
  body?: B;
  headers?: H;
  /** Request body media type documented for non-JSON bodies (the handler reads the stream itself). */
  rawBody?: { contentType: string; description: string };
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
};

export type RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, H extends z.ZodType> = {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  headers: z.output<H>;
  ctx: RequestContext;
  principal: Principal | undefined;
  req: Request;
  res: Response;
};

/** A JSON reply; handlers that stream their own response (CSV) return undefined. */
export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | undefined;

export type Authenticate = (req: Request, res: Response) => Promise<Principal | undefined>;

/** Registers routes on the Express app and their OpenAPI description from the same zod schemas. */
export class RouteTable {
  readonly #app: Express;
  readonly #openapi: OpenAPIRegistry;
  readonly #authenticate: Authenticate;
  readonly #paths: { method: Method; path: string; auth: AuthRequirement; params: readonly string[] }[] = [];

  constructor(app: Express, openapi: OpenAPIRegistry, authenticate: Authenticate) {
    this.#app = app;
    this.#openapi = openapi;
    this.#authenticate = authenticate;
  }

  /** Every registered route (used by the cross-tenant isolation test and docs). */
  get routes(): readonly { method: Method; path: string; auth: AuthRequirement; params: readonly string[] }[] {
    return this.#paths;
  }

  add<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty, H extends z.ZodType = Empty>(
    spec: RouteSpec<P, Q, B, H>,
    handler: (input: RouteInput<P, Q, B, H>) => Promise<Reply>,
  ): void {
    this.#register(spec);
    const params = [...spec.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] ?? '');
    this.#paths.push({ method: spec.method, path: spec.path, auth: spec.auth, params });
    this.#app[spec.method](spec.path, async (req, res) => {
      const principal = await this.#authorise(spec.auth, req, res);
      if (spec.body && !req.is('application/json')) throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
      const problems: FieldProblem[] = [];
      const parsedParams = parsePart(spec.params, req.params, 'params', problems);
      const parsedQuery = parsePart(spec.query, req.query, 'query', problems);
      const parsedHeaders = parsePart(spec.headers, req.headers, 'headers', problems, false);
      const parsedBody = spec.rawBody ? undefined : parsePart(spec.body, spec.body ? req.body : undefined, 'body', problems);
      if (problems.length > 0) {
        // A malformed id in the path is simply a resource that does not exist.
        if (problems.every((p) => p.path.startsWith('params.'))) throw new ApiError('API_NOT_FOUND', 'not found');
        throw new ApiError('API_VALIDATION_FAILED', `invalid request: ${problems.map((p) => p.path).join(', ')}`, { errors: problems });
      }
      const reply = await handler({
        params: parsedParams as z.output<P>,
        query: parsedQuery as z.output<Q>,
        body: parsedBody as z.output<B>,
        headers: parsedHeaders as z.output<H>,
        ctx: contextOf(res),
        principal,
        req,
        res,
      });
      if (reply === undefined) return;
      for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
      if (reply.body === undefined) res.status(reply.status).end();
      else res.status(reply.status).json(reply.body);
    });
  }

  async #authorise(auth: AuthRequirement, req: Request, res: Response): Promise<Principal | undefined> {
    if (auth.kind === 'none') return undefined;
    const principal = await this.#authenticate(req, res);
    if (principal === undefined) throw new ApiError('API_UNAUTHENTICATED', 'missing or invalid credentials');
    if (auth.kind === 'tenant') {
      if (principal.kind === 'staff') throw new ApiError('API_FORBIDDEN', 'this route needs a tenant API key or user token');
      if (!principal.scopes.includes(auth.scope) && !(auth.scope === 'read' && principal.scopes.includes('write'))) {
        throw new ApiError('API_FORBIDDEN', `this credential lacks the ${auth.scope} scope`);
      }
    } else {
      if (principal.kind !== 'staff') throw new ApiError('API_FORBIDDEN', 'this route needs a staff token');
      if (!auth.roles.includes(principal.role)) throw new ApiError('API_FORBIDDEN', `role ${principal.role} may not do this`);
    }
    return principal;
  }

  #register<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, H extends z.ZodType>(spec: RouteSpec<P, Q, B, H>): void {
    const responses: RouteConfig['responses'] = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = r.schema ? { description: r.description, content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : { description: r.description };
    }
    const standard: Record<string, string> = { '400': 'Invalid request', '404': 'Not found', '422': 'Rejected by a business rule', '429': 'Rate limited' };
    if (spec.auth.kind !== 'none') Object.assign(standard, { '401': 'Not authenticated', '403': 'Not allowed' });
    for (const [status, description] of Object.entries(standard)) {
      responses[status] ??= { description, content: { 'application/problem+json': { schema: problemSchema } } };
    }
    const request: NonNullable<RouteConfig['request']> = {};
    if (spec.params instanceof z.ZodObject) request.params = spec.params;
    if (spec.query instanceof z.ZodObject) request.query = spec.query;
    if (spec.headers instanceof z.ZodObject) request.headers = spec.headers;
    if (spec.body) request.body = { required: true, content: { 'application/json': { schema: spec.body } } };
    if (spec.rawBody) request.body = { required: true, description: spec.rawBody.description, content: { [spec.rawBody.contentType]: { schema: z.string() } } };
    this.#openapi.registerPath({
      method: spec.method,
      path: spec.path.replace(/:([A-Za-z]+)/g, '{$1}'),
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.auth.kind === 'none' ? {} : { security: spec.auth.kind === 'tenant' ? [{ apiKey: [] }, { apiKeyHeader: [] }, { tenantUserToken: [] }] : [{ staffToken: [] }] }),
      request,
      responses,
    });
  }
}

function parsePart(schema: z.ZodType | undefined, value: unknown, part: string, problems: FieldProblem[], strictWhenAbsent = true): unknown {
  if (schema === undefined) {
    if (strictWhenAbsent && part === 'query' && typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) problems.push({ path: `${part}.${key}`, message: 'unknown field' });
    }
    if (part === 'body' && value !== undefined) problems.push({ path: 'body', message: 'this route takes no body' });
    return {};
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const base = [part, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) problems.push({ path: `${base}.${key}`, message: 'unknown field' });
    else problems.push({ path: base, message: issue.message });
  }
  return undefined;
}
