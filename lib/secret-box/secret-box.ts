import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { AppError } from '../errors/index.js';
import type { IdSource } from '../ids/index.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 256-bit key for one purpose, derived (HKDF-SHA256) from a service secret. */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), Buffer.from(`softswitch:${purpose}`, 'utf8'), 32));
}

/** Encrypts `plaintext` with AES-256-GCM: `version(1) | iv(12) | tag(16) | ciphertext`. */
export function seal(key: Buffer, plaintext: string, ids: IdSource): Buffer {
  const iv = Buffer.from(ids.hex(IV_BYTES), 'hex');
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Decrypts a box made by `seal`; throws SECRET_BOX_INVALID when it was tampered with or the key is wrong. */
export function open(key: Buffer, box: Buffer): string {
  if (box.length < 1 + IV_BYTES + TAG_BYTES || box[0] !== VERSION) throw new AppError('SECRET_BOX_INVALID', 'not a version 1 secret box');
  const iv = box.subarray(1, 1 + IV_BYTES);
  const tag = box.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(box.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new AppError('SECRET_BOX_INVALID', 'secret box failed authentication', { cause });
  }
}
