/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-argument -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#lib/log/index.js';
import { startHarness, type Harness } from './harness.js';

describe('HTTP surface: OpenAPI, docs, health, metrics, headers, rate limits', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ API_RATE_LIMIT_PER_MIN: '40' });
  });
  afterAll(() => h.close());

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const r = await h.call('GET', '/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    const paths = Object.keys(r.body.paths);
    for (const route of h.api.routes) expect(paths).toContain(route.path.replace(/:([A-Za-z]+)/g, '{$1}'));
    const post = r.body.paths['/v1/sip-users'].post;
    expect(post.security).toEqual([{ apiKey: [] }, { apiKeyHeader: [] }, { tenantUserToken: [] }]);
    expect(post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/SipUserCreate');
    expect(r.body.components.schemas.SipUserCreate.additionalProperties).toBe(false);
    expect(r.body.components.schemas.Problem.required).toContain('code');
    expect(r.body.components.securitySchemes.staffToken.scheme).toBe('bearer');
    expect(r.body.paths['/v1/staff/rate-decks/{id}/rows'].put.requestBody.content['text/csv']).toBeDefined();
  });

  it('serves a docs page and its assets without any network access', async () => {
    const page = await h.call('GET', '/v1/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/v1/docs/assets/swagger-ui-bundle.js');
    for (const asset of ['/v1/docs/assets/swagger-ui-bundle.js', '/v1/docs/assets/swagger-ui.css', '/v1/docs/init.js']) {
      const r = await h.call('GET', asset);
      expect(r.status, asset).toBe(200);
      expect(r.text.length, asset).toBeGreaterThan(10);
    }
  });

  it('answers /health with its checks and /metrics with route-template labels', async () => {
    const health = await h.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ service: 'control-api', status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
    await h.call('GET', '/v1/sip-users/7a0c8f4e-2b1d-4c3e-9f5a-6b7c8d9e0f1a');
    const metrics = await h.call('GET', '/metrics');
    expect(metrics.text).toContain('api_process_cpu_user_seconds_total');
    expect(metrics.text).toMatch(/api_http_request_duration_seconds_count\{method="GET",route="\/v1\/sip-users\/:id",status_class="4xx"\} 1/);
    expect(metrics.text).not.toContain('7a0c8f4e');
  });

  it('sets security headers and request ids, and answers unknown routes with problem+json', async () => {
    const r = await h.call('GET', '/v1/nothing-here', { headers: { 'x-request-id': 'req-abc-123' } });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.headers.get('x-request-id')).toBe('req-abc-123');
    expect(r.body.instance).toBe('urn:request:req-abc-123');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-powered-by')).toBeNull();
    const bad = await h.call('GET', '/v1/nothing-here', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const big = await h.call('POST', '/v1/staff/login', { raw: JSON.stringify({ email: 'x'.repeat(200_000) }), contentType: 'application/json' });
    expect(big.status).toBe(413);
  });

  it('rate-limits per credential', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await h.call('GET', '/v1/tenant', { token: 'sk_0000000000000000.' + '0'.repeat(64) })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const other = await h.call('GET', '/v1/tenant', { token: 'sk_1111111111111111.' + '0'.repeat(64) });
    expect(other.status).toBe(401);
  });

  it('logs one line per request carrying the request id and the route template', async () => {
    const lines: string[] = [];
    const logged = await startHarness({}, createLogger({ service: 'control-api', level: 'info', destination: { write: (l: string) => void lines.push(l) } }));
    try {
      await logged.call('GET', '/v1/sip-users/7a0c8f4e-2b1d-4c3e-9f5a-6b7c8d9e0f1a', { headers: { 'x-request-id': 'log-req-1', authorization: 'Bearer sk_0000000000000000.' + '0'.repeat(64) } });
      const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'request handled' && l['reqId'] === 'log-req-1');
      expect(entry).toMatchObject({ method: 'GET', route: '/v1/sip-users/:id', status: 401 });
      expect(lines.join('')).not.toContain('0'.repeat(64));
    } finally {
      await logged.close();
    }
  });
});
