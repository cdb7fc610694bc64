import { z } from 'zod';

/**
 * Change notifications the control plane publishes on Redis pub/sub after a write commits, so the
 * switch and the rater refresh their caches without restarts. One channel per entity kind; subscribe
 * to one, or to all with PSUBSCRIBE `CHANGE_CHANNEL_PATTERN`. Delivery is at-most-once (pub/sub): a
 * subscriber that reconnects must reload what it caches.
 */
export const CHANGE_ENTITIES = [
  'tenant',
  'sip_user',
  'number',
  'number_subscription',
  'route',
  'carrier',
  'gateway',
  'rate_deck',
  'blocked_prefix',
  'api_key',
  'balance',
] as const;
export type ChangeEntity = (typeof CHANGE_ENTITIES)[number];

export const CHANGE_CHANNEL_PREFIX = 'softswitch:changes:';
export const CHANGE_CHANNEL_PATTERN = `${CHANGE_CHANNEL_PREFIX}*`;

/** The channel of one entity kind, e.g. `softswitch:changes:rate_deck`. */
export function changeChannel(entity: ChangeEntity): string {
  return `${CHANGE_CHANNEL_PREFIX}${entity}`;
}

export const changeEventSchema = z.strictObject({
  /** Payload version. */
  v: z.literal(1),
  entity: z.enum(CHANGE_ENTITIES),
  op: z.enum(['created', 'updated', 'deleted']),
  /** Id of the changed row (rate_deck: the deck id; number: the inventory id). */
  id: z.string().min(1).max(200),
  /** Tenant whose data changed; null for operator-wide data (routes, carriers, inventory, shared decks). */
  tenantId: z.uuid().nullable(),
  /** Epoch ms from the publisher's clock. */
  at: z.number().int().nonnegative(),
  /** Fields that changed, when the publisher knows (e.g. ["status"], ["max_concurrent_calls"]). */
  fields: z.array(z.string().max(64)).max(64).optional(),
});
export type ChangeEvent = z.infer<typeof changeEventSchema>;

export type ChangeEventDecodeResult = { ok: true; event: ChangeEvent } | { ok: false; error: string };

/** Decodes a message received on a change channel. */
export function decodeChangeEvent(message: string): ChangeEventDecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = changeEventSchema.safeParse(raw);
  return parsed.success ? { ok: true, event: parsed.data } : { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

/** Encodes an event for PUBLISH. */
export function encodeChangeEvent(event: ChangeEvent): string {
  return JSON.stringify(changeEventSchema.parse(event));
}
