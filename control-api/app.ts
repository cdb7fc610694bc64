import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { HealthCheck } from '#lib/runtime/index.js';
import type { ApiDeps } from './deps.js';
import { ApiError, problemHandler } from './errors/index.js';
import { RouteTable } from './http/route.js';
import { createAuthenticator } from './middleware/authenticate.js';
import { httpMetrics } from './middleware/http-metrics.js';
import { perKeyRateLimit } from './middleware/rate-limit.js';
import { requestContext } from './middleware/request-context.js';
import { generateOpenApiDocument } from './openapi/document.js';
import { mountDocs } from './openapi/docs-page.js';
import { mountAllRoutes } from './routes/index.js';
import { mountHealth } from './routes/health.js';

/** JSON bodies above this are refused with 413 (rate decks are streamed, not parsed as JSON). */
const JSON_LIMIT = '100kb';

/** The Express application: /health, /metrics, /v1 routes, the OpenAPI document and docs page. */
export function createApp(deps: ApiDeps, checks: readonly HealthCheck[]): { app: Express; routes: RouteTable } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(requestContext(deps.log, deps.ids));
  app.use(httpMetrics(deps.metrics, deps.clock));
  mountHealth(app, { service: 'control-api', registry: deps.registry, checks, clock: deps.clock });
  app.use('/v1', perKeyRateLimit(deps.config.API_RATE_LIMIT_PER_MIN));
  app.use('/v1', express.json({ limit: JSON_LIMIT, strict: true }));
  const openapi = new OpenAPIRegistry();
  const routes = new RouteTable(app, openapi, createAuthenticator({ pool: deps.pool, tokens: deps.tokens, userTokens: deps.userTokens, clock: deps.clock }));
  mountAllRoutes(routes, deps);
  mountDocs(app, generateOpenApiDocument(openapi));
  app.use((req, _res, next) => next(new ApiError('API_NOT_FOUND', `no route ${req.method} ${req.path}`)));
  app.use(problemHandler(deps.log));
  return { app, routes };
}
