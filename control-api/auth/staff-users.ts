import type { PoolClient } from '#lib/db/index.js';
import type { IdSource } from '#lib/ids/index.js';
import { seal } from '#lib/secret-box/index.js';
import { generateTotpSecret, hashPassword, totpEnrolmentUri } from './credentials.js';
import type { StaffRole } from './staff-token.js';
import { one } from '../db/rows.js';

export type NewStaff = { email: string; displayName: string; role: StaffRole; password: string };

/**
 * Creates a staff user with a fresh TOTP secret (stored encrypted) and returns the enrolment URI.
 * Used by the API (admins) and the operator CLI. Runs in the caller's transaction.
 */
export async function createStaffUser(
  client: PoolClient,
  input: NewStaff,
  deps: { secretKey: Buffer; ids: IdSource },
): Promise<{ id: string; otpauthUri: string }> {
  const secret = generateTotpSecret();
  const r = await client.query<{ id: string }>(
    `INSERT INTO staff_users (email, display_name, role, password_hash, totp_secret_enc) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [input.email, input.displayName, input.role, await hashPassword(input.password), seal(deps.secretKey, secret, deps.ids)],
  );
  return { id: one(r).id, otpauthUri: totpEnrolmentUri(input.email, secret) };
}
