import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { createHash } from 'node:crypto';
import { ApiError } from '../errors/index.js';
import { credentialOf } from './authenticate.js';

/**
 * Per-credential rate limit (per API key or staff token; per client address when anonymous), in
 * process memory. Counted before authentication so that guessing keys is throttled too.
 */
export function perKeyRateLimit(limitPerMin: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: limitPerMin,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (req) => {
      const credential = credentialOf(req);
      if (credential !== undefined) {
        const id = credential.startsWith('sk_') ? credential.slice(0, 19) : createHash('sha256').update(credential).digest('base64url').slice(0, 22);
        return `cred:${id}`;
      }
      return `ip:${ipKeyGenerator(req.ip ?? '0.0.0.0')}`;
    },
    handler: (_req, _res, next) => next(new ApiError('API_RATE_LIMITED', 'too many requests, slow down')),
  });
}
