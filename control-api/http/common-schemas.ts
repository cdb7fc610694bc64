import { z } from 'zod';

/** Shared zod building blocks; every request and response schema is built from these (and drives the OpenAPI document). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable error code, see docs/control-api.md' }),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const idParam = z.strictObject({ id: z.uuid() });
export const tenantIdParam = z.strictObject({ tenantId: z.uuid() });
export const uuid = () => z.uuid();
export const e164 = () => z.string().regex(/^\+[1-9][0-9]{6,14}$/, { error: 'expected an E.164 number such as +442071234567' });
export const digits = (max: number) => z.string().regex(new RegExp(`^[0-9]{1,${max}}$`), { error: `expected 1-${max} digits` });
export const currency = () => z.string().regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 currency code such as EUR' });
export const country = () => z.string().regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 country code such as GB' });
export const name = () => z.string().trim().min(1).max(200);
export const minor = () => z.number().int().min(0).max(1_000_000_000_000).meta({ description: 'Integer minor units (cents)' });
export const isoDate = () => z.iso.datetime({ offset: true }).meta({ description: 'RFC 3339 date-time' });
export const dateOut = () => z.string().meta({ description: 'RFC 3339 date-time' });

/** Headers of idempotent POSTs: the client's retry key. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z.string({ error: 'the Idempotency-Key header is required' }).regex(/^[A-Za-z0-9._:-]{1,200}$/, { error: 'expected 1-200 of A-Z a-z 0-9 . _ : -' }),
});

/** ISO date from a pg Date, or null. */
export function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}
