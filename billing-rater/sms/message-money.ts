// SMS money, owned by the rater like call money: authorize holds one message (a bundle message
// first, else the plan's price) against the same Redis balance mirror the call reservations use,
// so calls and messages together can never spend more than balance + credit limit. Settle charges
// the hold once in PostgreSQL (`sent`) or gives it back (`failed`). A hold nobody settles lapses
// after its TTL (HoldSweeper).
//
// Hold states (hash field `state`): held → settling → committed; held | settling → released;
// held | settling → expired (TTL). The Lua scripts in ./lua enforce the moves.
import type { Clock } from '#lib/clock/index.js';
import type { Pool } from '#lib/db/index.js';
import type { Logger } from '#lib/log/index.js';
import type { AuthorizeMessageRequest, AuthorizeMessageResponse, SettleMessageRequest, SettleMessageResponse } from '#lib/rater-api/index.js';
import type { TenantDirectory } from '../authorization/index.js';
import { ReservationError } from '../error-codes.js';
import type { RaterMetrics } from '../metrics.js';
import { commitSmsCharge, smsChargeExists, tenantLedgerFigure } from './commit-sms.js';
import { usableSmsBundles, type SmsCatalog } from './sms-catalog.js';
import type { SmsHoldStore } from './sms-hold-store.js';
import { smsChargeKey } from './sms-keys.js';

export type MessageMoneyOptions = {
  holds: SmsHoldStore;
  tenants: TenantDirectory;
  catalog: SmsCatalog;
  pool: Pool;
  clock: Clock;
  log: Logger;
  metrics: RaterMetrics | undefined;
  /** A hold not settled within this time is released by the sweeper. */
  holdTtlMs: number;
  /** A settle in progress keeps the hold from the sweeper this long (the PostgreSQL write). */
  settleGraceMs: number;
  /** How long ended holds stay readable for replays. */
  keepMs: number;
};

const NOTHING = { priceMinor: 0, currency: null, bundleId: null, ledgerKey: null } as const;

export class MessageMoney {
  readonly #o: MessageMoneyOptions;

  constructor(options: MessageMoneyOptions) {
    this.#o = options;
  }

  /** Holds the message's price or one bundle message, or says why not. Idempotent per message id. */
  async authorize(req: AuthorizeMessageRequest): Promise<AuthorizeMessageResponse> {
    const r = await this.#authorize(req);
    this.#o.metrics?.smsAuthorizations.inc({ result: r.allowed ? 'allowed' : r.reason });
    return r;
  }

  async #authorize(req: AuthorizeMessageRequest): Promise<AuthorizeMessageResponse> {
    const tenant = await this.#o.tenants.tenant(req.tenantId);
    if (!tenant) return { allowed: false, reason: 'unknown_tenant' };
    if (tenant.status !== 'active') return { allowed: false, reason: 'suspended_tenant' };
    if (await this.#o.tenants.isBlocked(req.tenantId, req.destination)) return { allowed: false, reason: 'blocked_destination' };
    const digits = req.destination.startsWith('+') ? req.destination.slice(1) : req.destination;
    const bundles = usableSmsBundles(await this.#o.catalog.bundles(req.tenantId), digits, req.atMs);
    const plan = tenant.pricePlanId === null ? null : await this.#o.catalog.planPrice(tenant.pricePlanId);
    // A plan priced in another currency than the tenant's cannot be charged: it sells no SMS to it.
    const priceMinor = plan && plan.smsPriceMinor !== null && plan.currency === tenant.currency ? plan.smsPriceMinor : null;
    if (priceMinor === null && bundles.length === 0) return { allowed: false, reason: 'no_rate' };
    const request = {
      tenantId: req.tenantId,
      messageId: req.messageId,
      ttlMs: this.#o.holdTtlMs,
      priceMinor,
      currency: tenant.currency,
      destination: req.destination,
      bundles: bundles.map((b) => ({ bundleId: b.id, remaining: b.remaining, expiresAtMs: b.expiresAtMs })),
    };
    let held = await this.#o.holds.hold({ ...request, nowMs: this.#o.clock.now() });
    if (!held.ok && held.error === 'RESV_BALANCE_NOT_LOADED') {
      // Redis lost the mirror (restart, eviction): reload it from the ledger and try once more.
      await this.#o.tenants.refresh(req.tenantId);
      held = await this.#o.holds.hold({ ...request, nowMs: this.#o.clock.now() });
    }
    if (held.ok) return { allowed: true, priceMinor: held.moneyMinor, currency: tenant.currency, bundleId: held.bundleId, holdExpiresAtMs: held.expiresAtMs };
    if (held.error === 'RESV_INSUFFICIENT_FUNDS') return { allowed: false, reason: 'no_balance' };
    if (held.error === 'SMS_NO_PRICE') return { allowed: false, reason: 'no_rate' };
    throw new ReservationError(held.error === 'RESV_BALANCE_NOT_LOADED' ? held.error : 'RESV_UNKNOWN_CODE', `SMS hold refused: ${held.error}`);
  }

  /** Charges a held message once (`sent`) or releases it (`failed`). Safe to repeat. */
  async settle(req: SettleMessageRequest): Promise<SettleMessageResponse> {
    const r = req.outcome === 'sent' ? await this.#charge(req) : await this.#release(req);
    this.#o.metrics?.smsSettlements.inc({ result: r.state });
    return r;
  }

  async #release(req: SettleMessageRequest): Promise<SettleMessageResponse> {
    await this.#o.holds.finish({ tenantId: req.tenantId, messageId: req.messageId, finalState: 'released', ledger: null, ledgerKey: null, keepMs: this.#o.keepMs });
    return this.#stateOf(req.tenantId, req.messageId);
  }

  async #charge(req: SettleMessageRequest): Promise<SettleMessageResponse> {
    const claim = await this.#o.holds.claim(req.tenantId, req.messageId, this.#o.clock.now(), this.#o.settleGraceMs);
    if (!claim.ok) {
      if (claim.error === 'SMS_HOLD_EXPIRED') await this.finishLapsed(req.tenantId, req.messageId);
      return this.#stateOf(req.tenantId, req.messageId);
    }
    if (claim.committed) return { state: 'committed', priceMinor: claim.moneyMinor, currency: claim.currency, bundleId: claim.bundleId, ledgerKey: claim.ledgerKey };
    const ledgerKey = smsChargeKey(req.tenantId, req.messageId);
    const charged = claim.moneyMinor > 0 || claim.bundleId !== null;
    const result = charged
      ? await commitSmsCharge(this.#o.pool, {
          tenantId: req.tenantId,
          messageId: req.messageId,
          ledgerKey,
          moneyMinor: claim.moneyMinor,
          currency: claim.currency,
          bundleId: claim.bundleId,
          destination: claim.destination,
          occurredAtMs: req.atMs,
        })
      : { fresh: false, ledger: null };
    await this.#o.holds.finish({ tenantId: req.tenantId, messageId: req.messageId, finalState: 'committed', ledger: result.ledger, ledgerKey: charged ? ledgerKey : null, keepMs: this.#o.keepMs });
    return { state: 'committed', priceMinor: claim.moneyMinor, currency: claim.currency, bundleId: claim.bundleId, ledgerKey: charged ? ledgerKey : null };
  }

  /**
   * Ends a hold whose expiry passed: committed when its charge reached the ledger (a settle that
   * wrote the debit and then lost Redis or died), else expired (nothing charged; the money is free
   * again). Used by the sweeper and by a settle that arrives too late.
   */
  async finishLapsed(tenantId: string, messageId: string): Promise<'committed' | 'expired' | 'gone'> {
    const hold = await this.#o.holds.get(tenantId, messageId);
    if (!hold || (hold.state !== 'held' && hold.state !== 'settling')) return 'gone';
    const ledgerKey = smsChargeKey(tenantId, messageId);
    const charged = hold.state === 'settling' && (await smsChargeExists(this.#o.pool, ledgerKey));
    const ledger = charged && hold.moneyMinor > 0 ? await tenantLedgerFigure(this.#o.pool, tenantId) : null;
    const finalState = charged ? 'committed' : 'expired';
    const ended = await this.#o.holds.finish({ tenantId, messageId, finalState, ledger, ledgerKey: charged ? ledgerKey : null, keepMs: this.#o.keepMs });
    if (!ended) return 'gone';
    this.#o.log.warn({ tenantId, messageId, state: finalState }, 'SMS hold lapsed');
    this.#o.metrics?.smsHoldsLapsed.inc({ result: finalState });
    return finalState;
  }

  async #stateOf(tenantId: string, messageId: string): Promise<SettleMessageResponse> {
    const hold = await this.#o.holds.get(tenantId, messageId);
    if (!hold) return { state: 'unknown', ...NOTHING };
    switch (hold.state) {
      case 'committed':
        return { state: 'committed', priceMinor: hold.moneyMinor, currency: hold.currency, bundleId: hold.bundleId, ledgerKey: hold.ledgerKey };
      case 'released':
      case 'expired':
        return { state: hold.state, ...NOTHING };
      case 'held':
      case 'settling':
        // Only a settle racing this one leaves it live here; the caller may repeat the settle.
        return { state: 'unknown', ...NOTHING };
    }
  }
}
