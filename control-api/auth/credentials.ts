import { createHash } from 'node:crypto';
import argon2 from 'argon2';
import { authenticator } from 'otplib';
import type { Clock } from '#lib/clock/index.js';

/**
 * A valid argon2id hash of a random password, verified when a login names an unknown user so that the
 * response time does not reveal which accounts exist.
 */
export const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=65536,p=4,t=3$mNx+eV3+X3y6CrIPjIsw0Q$KplhOFu0sbUywOR1KaiDZfYEZzAEPVQBKpNagVR5sJw';

/** argon2id hash of a password (PHC string). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password);
}

/** A fresh base32 TOTP secret (RFC 6238, 30 s steps, 6 digits). */
export function generateTotpSecret(): string {
  return authenticator.generateSecret(20);
}

/** The otpauth:// enrolment URI an authenticator app scans. */
export function totpEnrolmentUri(accountName: string, secret: string, issuer = 'softswitch'): string {
  return authenticator.keyuri(accountName, issuer, secret);
}

/** Checks a TOTP code at the clock's time, accepting one step of drift either way. */
export function verifyTotp(secret: string, code: string, clock: Clock): boolean {
  if (!/^[0-9]{6}$/.test(code)) return false;
  return authenticator.clone({ epoch: clock.now(), window: 1 }).check(code, secret);
}

/** The current TOTP code (tests and the CLI's self-check). */
export function currentTotp(secret: string, clock: Clock): string {
  return authenticator.clone({ epoch: clock.now() }).generate(secret);
}

/** SIP digest HA1 values (RFC 2617 MD5, RFC 7616 SHA-256) of username:realm:password. */
export function digestHa1(username: string, realm: string, password: string): { md5: string; sha256: string } {
  const input = `${username}:${realm}:${password}`;
  return { md5: createHash('md5').update(input).digest('hex'), sha256: createHash('sha256').update(input).digest('hex') };
}
