import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type { Clock } from '#lib/clock/index.js';
import type { Pool } from '#lib/db/index.js';
import type { IdSource } from '#lib/ids/index.js';
import { createStaffUser, type NewStaff } from '../auth/staff-users.js';
import { inScope } from '../db/scope.js';
import { one } from '../db/rows.js';
import { writeActorAudit, type AuditActor } from '../http/audit.js';
import { importRateDeck, type RateImportResult } from '../rate-import/import-rate-deck.js';
import { createCarrier } from '../routes/carriers.js';
import { createTenant, type TenantCreate } from '../routes/tenants.js';

/** Operator CLI actions. Each is one transaction as softswitch_app with staff scope, audited as actor kind `cli`. */
export type CliDeps = { pool: Pool; clock: Clock; ids: IdSource; secretKey: Buffer; actor: AuditActor };

export function cliCreateTenant(deps: CliDeps, input: TenantCreate) {
  return inScope(deps.pool, 'staff', (c) => createTenant(c, input, (cl, entry) => writeActorAudit(cl, deps.actor, entry)));
}

export function cliCreateCarrier(deps: CliDeps, name: string) {
  return inScope(deps.pool, 'staff', (c) => createCarrier(c, { name }, (cl, entry) => writeActorAudit(cl, deps.actor, entry)));
}

/** Creates a staff admin and returns the otpauth:// URI to enrol the TOTP authenticator (shown once). */
export function cliCreateStaffAdmin(deps: CliDeps, input: Omit<NewStaff, 'role'>) {
  return inScope(deps.pool, 'staff', async (c) => {
    const created = await createStaffUser(c, { ...input, role: 'admin' }, deps);
    await writeActorAudit(c, deps.actor, { action: 'staff_user.create', targetKind: 'staff_user', targetId: created.id, tenantId: null, after: { email: input.email, role: 'admin' } });
    return created;
  });
}

export function cliCreateDeck(deps: CliDeps, input: { kind: 'price' | 'cost'; name: string; currency: string; carrierId: string | null; tenantId: string | null }) {
  return inScope(deps.pool, 'staff', async (c) => {
    const r = await c.query<{ id: string }>('INSERT INTO rate_decks (kind, name, currency, carrier_id, tenant_id) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
      input.kind, input.name, input.currency, input.carrierId, input.tenantId,
    ]);
    const id = one(r).id;
    await writeActorAudit(c, deps.actor, { action: 'rate_deck.create', targetKind: 'rate_deck', targetId: id, tenantId: input.tenantId, after: input });
    return { id };
  });
}

/** The same streamed import as PUT /v1/staff/rate-decks/:id/rows, reading a file; `onBytes(read, total)` drives a progress bar. */
export function cliImportRates(deps: CliDeps, deckId: string, file: string, onBytes: (read: number, total: number) => void): Promise<RateImportResult> {
  const total = statSync(file).size;
  let read = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      read += chunk.length;
      onBytes(read, total);
      done(null, chunk);
    },
  });
  createReadStream(file, { highWaterMark: 1 << 20 }).pipe(counter);
  return importRateDeck({
    pool: deps.pool, deckId, source: counter, sourceName: `cli:${file}`.slice(0, 500), clock: deps.clock,
    beforeCommit: (c, r) => writeActorAudit(c, deps.actor, { action: 'rate_deck.import', targetKind: 'rate_deck', targetId: deckId, tenantId: null, after: { versionId: r.versionId, rowCount: r.rowCount, previousVersionId: r.previousVersionId, file } }),
  });
}

/** Applies every `*.sql` file of `dir` (sql/seeds) in name order, in one transaction; the files are idempotent. */
export async function cliSeed(deps: CliDeps, dir: string): Promise<string[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  await inScope(deps.pool, 'staff', async (c) => {
    for (const f of files) await c.query(readFileSync(join(dir, f), 'utf8'));
    await writeActorAudit(c, deps.actor, { action: 'seed.apply', targetKind: 'seed', targetId: null, tenantId: null, after: { files } });
  });
  return files;
}
