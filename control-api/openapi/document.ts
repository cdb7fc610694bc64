import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** The OpenAPI 3.1 document, generated from the zod schemas every route validates with. */
export function generateOpenApiDocument(registry: OpenAPIRegistry): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'Tenant API key: `Authorization: Bearer sk_….…`' });
  registry.registerComponent('securitySchemes', 'apiKeyHeader', { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'Tenant API key' });
  registry.registerComponent('securitySchemes', 'tenantUserToken', { type: 'http', scheme: 'bearer', description: 'Workspace user token from POST /v1/login' });
  registry.registerComponent('securitySchemes', 'staffToken', { type: 'http', scheme: 'bearer', description: 'Staff token from POST /v1/staff/login' });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Softswitch control API',
      version: '1.0.0',
      description: 'Tenant (API key) and operator staff (token) routes. Errors are application/problem+json (RFC 9457). Lists use cursor pagination.',
    },
    servers: [{ url: '/' }],
  });
}
