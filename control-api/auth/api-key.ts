import { createHash } from 'node:crypto';
import type { IdSource } from '#lib/ids/index.js';

export const API_KEY_SCOPES = ['read', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** `sk_<16 hex>` (public lookup prefix) `.` `<64 hex>` (secret). Only SHA-256 of the whole key is stored. */
const KEY_FORMAT = /^(sk_[0-9a-f]{16})\.[0-9a-f]{64}$/;

export function generateApiKey(ids: IdSource): { key: string; prefix: string; hash: Buffer } {
  const prefix = `sk_${ids.hex(8)}`;
  const key = `${prefix}.${ids.hex(32)}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The lookup prefix of a well-formed key, else undefined. */
export function apiKeyPrefix(key: string): string | undefined {
  return KEY_FORMAT.exec(key)?.[1];
}
