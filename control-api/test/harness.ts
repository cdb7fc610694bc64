/* eslint-disable @typescript-eslint/no-unsafe-member-access -- HTTP response bodies are untyped JSON; the assertions check their shape. */
import { inject } from 'vitest';
import { SimulatedClock } from '#lib/clock/index.js';
import { loadConfig } from '#lib/config/index.js';
import { CryptoIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import { deriveKey } from '#lib/secret-box/index.js';
import { createTestDatabase, type TestDatabase } from '#test/support/db.js';
import { currentTotp } from '../auth/credentials.js';
import { createStaffUser } from '../auth/staff-users.js';
import type { StaffRole } from '../auth/staff-token.js';
import { apiConfigSchema } from '../config.js';
import { inScope } from '../db/scope.js';
import { SECRET_PURPOSE, startApiService, type ApiService } from '../service.js';

export const TOKEN_SECRET = 'int-test-token-secret-0123456789abcdef';
/** 2026-03-15T12:00:00Z: inside the CDR partitions the migration creates. */
export const T0 = Date.UTC(2026, 2, 15, 12, 0, 0);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped JSON body, asserted on by the tests
export type JsonResponse = { status: number; body: any; headers: Headers; text: string };

/** A running control API on a fresh database, with helpers to call it. */
export type Harness = {
  api: ApiService;
  db: TestDatabase;
  clock: SimulatedClock;
  base: string;
  call(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> }): Promise<JsonResponse>;
  /** Creates a staff user directly and logs in with password + TOTP; returns the token. */
  staffToken(role?: StaffRole): Promise<string>;
  /** Creates a tenant through the staff API and issues it an API key. */
  tenant(token: string, overrides?: Record<string, unknown>): Promise<{ id: string; key: string; realm: string }>;
  close(): Promise<void>;
};

let seq = 0;

export async function startHarness(extraEnv: Record<string, string> = {}, log = createLogger({ service: 'control-api-test', level: 'silent' })): Promise<Harness> {
  const db = await createTestDatabase();
  const clock = new SimulatedClock(T0);
  const ids = new CryptoIdSource();
  const config = loadConfig(apiConfigSchema, {
    env: { PG_URL: db.url, REDIS_URL: inject('redisUrl'), API_HTTP_PORT: '0', API_TOKEN_SECRET: TOKEN_SECRET, LOG_LEVEL: 'silent', ...extraEnv },
    files: [],
  });
  const api = await startApiService(config, log, { clock, ids });
  const base = `http://127.0.0.1:${api.port}`;
  const call: Harness['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'text/plain';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const res = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown = undefined;
    if ((res.headers.get('content-type') ?? '').includes('json') && text.length > 0) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
  const secretKey = deriveKey(TOKEN_SECRET, SECRET_PURPOSE);
  const harness: Harness = {
    api, db, clock, base, call,
    staffToken: async (role = 'admin') => {
      const email = `staff${++seq}-${ids.hex(4)}@example.test`;
      const password = 'correct horse battery staple';
      const { otpauthUri } = await inScope(api.pool, 'staff', (c) => createStaffUser(c, { email, displayName: 'Test', role, password }, { secretKey, ids }));
      const secret = new URL(otpauthUri).searchParams.get('secret') ?? '';
      const r = await call('POST', '/v1/staff/login', { body: { email, password, totp: currentTotp(secret, clock) } });
      if (r.status !== 200) throw new Error(`login failed: ${r.text}`);
      return r.body.token as string;
    },
    tenant: async (token, overrides = {}) => {
      const n = `${++seq}-${ids.hex(3)}`;
      const t = await call('POST', '/v1/staff/tenants', { token, body: { name: `Tenant ${n}`, country: 'GB', defaultDialPrefix: '44', currency: 'GBP', sipRealm: `t${n}.sip.test`, ...overrides } });
      if (t.status !== 201) throw new Error(`tenant create failed: ${t.text}`);
      const k = await call('POST', `/v1/staff/tenants/${t.body.id}/api-keys`, { token, body: { name: 'main', scopes: ['read', 'write'] } });
      if (k.status !== 201) throw new Error(`key create failed: ${k.text}`);
      return { id: t.body.id as string, key: k.body.key as string, realm: t.body.sipRealm as string };
    },
    close: async () => {
      await api.shutdown.run('test over');
      await db.drop();
    },
  };
  return harness;
}

/** Asserts the response is RFC 9457 problem+json with a 4xx status. */
export function isProblem4xx(r: JsonResponse): boolean {
  return r.status >= 400 && r.status < 500 && (r.headers.get('content-type') ?? '').startsWith('application/problem+json') && typeof r.body?.code === 'string';
}
