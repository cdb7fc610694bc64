import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Secrets the local stack generates on first run; never committed (they live under .data/). */
export const GENERATED_SECRET_KEYS = ['SIPSRV_SECRET', 'SWITCH_NONCE_SECRET', 'API_TOKEN_SECRET', 'RECORDING_KEY'] as const;

/** Reads the local stack's secrets file, adding any key it lacks, and returns them all. */
export function loadOrCreateSecrets(file: string): Record<string, string> {
  const secrets: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const key of GENERATED_SECRET_KEYS) {
    if (!secrets[key]) {
      secrets[key] = randomBytes(32).toString('hex');
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  }
  return secrets;
}
