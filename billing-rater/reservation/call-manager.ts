import type { Clock, TimerHandle } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import { RATER_CUT_CHANNEL, type AnswerRequest, type AnswerResponse, type CutEvent, type EndRequest } from '#lib/rater-api/index.js';
import type { Authorizer } from '../authorization/index.js';
import type { CdrQueue } from '../cdr/cdr-queue.js';
import type { RateIndexStore } from '../index/index.js';
import type { RaterMetrics } from '../metrics.js';
import { allocateBundleSec, billableSec, maxDurationSec, moneyCostMinor, type Tariff } from '../rating/index.js';
import { callFactsSchema, type CallFacts } from './call-facts.js';
import { finishRecord } from './finish.js';
import { nextReservationState, type ReservationState } from './reservation.js';
import type { ReservationStore } from './reservation-store.js';

export type CallManagerOptions = {
  store: ReservationStore;
  authorizer: Authorizer;
  rates: RateIndexStore;
  queue: CdrQueue;
  clock: Clock;
  log: Logger;
  metrics: RaterMetrics;
  publish: (channel: string, message: string) => Promise<unknown>;
  ownerId: string;
  /** Seconds each reservation step covers (rounded up to the tariff's increments). */
  intervalSec: number;
  /** Extend this long before the covered time runs out. */
  extendLeadMs: number;
  /** Reservation TTL: a reservation not extended within this time is the reconciler's. */
  ttlMs: number;
  maxCallSec: number;
};

type Session = {
  facts: CallFacts;
  state: ReservationState;
  coveredSec: number;
  moneyMinor: number;
  bundleSec: Map<string, number>;
  cutAtMs: number | null;
  timer: TimerHandle | undefined;
  /** The extension in flight, if any. */
  busy: Promise<unknown> | undefined;
  /** Set by the first end request; repeats wait for it. */
  ending: Promise<void> | undefined;
};

/** Owns the reservations of the calls this process answered: reserve, extend, cut, end. */
export class CallManager {
  readonly #o: CallManagerOptions;
  readonly #sessions = new Map<string, Session>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(options: CallManagerOptions) {
    this.#o = options;
  }

  get liveCalls(): number {
    return this.#sessions.size;
  }

  /** Resolves once every extension started by a timer has finished (tests advance a SimulatedClock, then await this). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  async answer(req: AnswerRequest): Promise<AnswerResponse> {
    const existing = this.#sessions.get(req.callId);
    if (existing) return { ok: true, cutAtMs: existing.cutAtMs, coveredUntilMs: req.answeredAtMs + existing.coveredSec * 1000 };
    const resolved = await this.#o.authorizer.resolve(req.tenantId, req.destination, req.direction, req.answeredAtMs);
    if (!resolved.ok) return { ok: false, reason: resolved.reason };
    const { tariff, bundles } = resolved.value;
    const facts: CallFacts = {
      callId: req.callId,
      tenantId: req.tenantId,
      caller: req.caller,
      destination: req.destination,
      direction: req.direction,
      gatewayId: req.gatewayId,
      carrierId: req.carrierId,
      startedAtMs: req.startedAtMs,
      ringAtMs: req.ringAtMs,
      answeredAtMs: req.answeredAtMs,
      tariff,
      bundleOrder: bundles.map((b) => b.id),
    };
    const session: Session = { facts, state: 'answering', coveredSec: 0, moneyMinor: 0, bundleSec: new Map(), cutAtMs: null, timer: undefined, busy: undefined, ending: undefined };
    this.#sessions.set(req.callId, session);
    const ok = await this.#step(session, req.answeredAtMs);
    if (!ok) {
      this.#sessions.delete(req.callId);
      return { ok: false, reason: 'no_balance' };
    }
    await this.#o.store.setFacts(req.tenantId, req.callId, JSON.stringify(facts));
    this.#o.metrics.liveCalls.set(this.#sessions.size);
    return { ok: true, cutAtMs: session.cutAtMs, coveredUntilMs: req.answeredAtMs + session.coveredSec * 1000 };
  }

  /** Reserves the next interval (or up to the cut second). False when not even the first increment fits. */
  async #step(s: Session, nowMs: number): Promise<boolean> {
    const tariff: Tariff = s.facts.tariff;
    let target = Math.min(billableSec(s.coveredSec + this.#o.intervalSec, tariff), this.#o.maxCallSec);
    let cutting = target >= this.#o.maxCallSec;
    for (let attempt = 0; attempt < 4; attempt++) {
      if (target <= s.coveredSec) break;
      const snapshot = await this.#o.store.balance(s.facts.tenantId);
      const capacity = s.facts.bundleOrder.map((id) => {
        const live = snapshot?.bundles.get(id);
        const free = live && live.expiresAtMs > nowMs ? Math.max(0, live.sec) : 0;
        return { id, remainingSec: (s.bundleSec.get(id) ?? 0) + free };
      });
      const { use } = allocateBundleSec(capacity, target);
      const bundleDeltas = use.map((u) => ({ bundleId: u.bundleId, sec: Math.max(0, u.sec - (s.bundleSec.get(u.bundleId) ?? 0)) })).filter((d) => d.sec > 0);
      const bundleTotal = use.reduce((n, u) => n + Math.max(u.sec, s.bundleSec.get(u.bundleId) ?? 0), 0);
      const moneyTarget = moneyCostMinor(Math.max(0, target - bundleTotal), true, tariff);
      const moneyDelta = Math.max(0, moneyTarget - s.moneyMinor);
      const r = await this.#o.store.reserve({
        tenantId: s.facts.tenantId,
        callId: s.facts.callId,
        nowMs,
        ttlMs: this.#o.ttlMs,
        ownerId: this.#o.ownerId,
        answeredAtMs: s.facts.answeredAtMs,
        coveredSec: target,
        moneyDeltaMinor: moneyDelta,
        bundleDeltas,
      });
      this.#o.metrics.reservations.inc({ result: r.ok ? 'ok' : r.error === 'RESV_INSUFFICIENT_FUNDS' ? 'insufficient' : 'error' });
      if (r.ok) {
        s.moneyMinor += moneyDelta;
        for (const d of bundleDeltas) s.bundleSec.set(d.bundleId, (s.bundleSec.get(d.bundleId) ?? 0) + d.sec);
        s.coveredSec = target;
        break;
      }
      if (r.error === 'RESV_BALANCE_NOT_LOADED' && attempt === 0) {
        await this.#o.authorizer.reloadBalance(s.facts.tenantId);
        continue;
      }
      if (r.error !== 'RESV_INSUFFICIENT_FUNDS') {
        this.#o.log.warn({ callId: s.facts.callId, error: r.error }, 'reservation refused');
        break;
      }
      // Not enough for a whole interval: find the last second the hold plus what is free can pay.
      const capacityTotal = capacity.reduce((n, c) => n + c.remainingSec, 0);
      const affordable = maxDurationSec(s.moneyMinor + Math.max(0, r.availableMinor), capacityTotal, tariff, this.#o.maxCallSec);
      cutting = true;
      target = Math.min(affordable, target);
    }
    if (s.coveredSec === 0) return false;
    if (s.state === 'ended') return true;
    if (cutting) this.#scheduleCut(s);
    else {
      s.state = nextReservationState(s.state, 'live');
      this.#scheduleExtension(s);
    }
    return true;
  }

  #scheduleExtension(s: Session): void {
    const dueMs = s.facts.answeredAtMs + s.coveredSec * 1000 - this.#o.extendLeadMs;
    this.#o.clock.clearTimer(s.timer);
    s.timer = this.#o.clock.setTimer(Math.max(0, dueMs - this.#o.clock.now()), () => {
      s.timer = undefined;
      if (s.state !== 'live') return;
      s.busy = this.#track(this.#step(s, this.#o.clock.now()));
      s.busy.catch((err: unknown) => this.#o.log.error({ err, callId: s.facts.callId }, 'reservation extension failed'));
    });
  }

  #scheduleCut(s: Session): void {
    if (s.state === 'cut_scheduled' || s.state === 'ended') return;
    s.state = nextReservationState(s.state, 'cut_scheduled');
    s.cutAtMs = s.facts.answeredAtMs + s.coveredSec * 1000;
    this.#o.metrics.cuts.inc();
    const event: CutEvent = { v: 1, callId: s.facts.callId, tenantId: s.facts.tenantId, cutAtMs: s.cutAtMs, reason: 'balance_exhausted' };
    this.#track(this.#o.publish(RATER_CUT_CHANNEL, JSON.stringify(event))).catch((err: unknown) => this.#o.log.error({ err, callId: s.facts.callId }, 'cut event not published'));
  }

  /** Rates the call, queues its CDR (and debit) durably, and stops its timers. */
  async end(req: EndRequest): Promise<void> {
    const s = this.#sessions.get(req.callId);
    if (s?.ending) return s.ending; // the switch repeated its end while the first is being queued
    if (s) {
      const ending = this.#end(req, s).catch((err: unknown) => {
        s.ending = undefined; // let the switch's retry try again
        throw err;
      });
      s.ending = ending;
      return ending;
    }
    return this.#end(req, undefined);
  }

  async #end(req: EndRequest, s: Session | undefined): Promise<void> {
    let reserved: Parameters<typeof finishRecord>[1] = null;
    if (s) {
      this.#o.clock.clearTimer(s.timer);
      if (s.state !== 'ended') s.state = nextReservationState(s.state, 'ended');
      if (s.busy) await s.busy.catch(() => undefined); // the extension's failure is already logged
      reserved = { facts: s.facts, coveredSec: s.coveredSec, bundleSec: s.bundleSec };
    } else if (req.answeredAtMs !== null && req.tenantId !== null) {
      // Answered elsewhere or before a restart: finish from what Redis holds.
      const stored = await this.#o.store.get(req.tenantId, req.callId);
      const factsText = stored?.state === 'live' ? await this.#o.store.facts(req.tenantId, req.callId) : null;
      const facts = factsText === null ? null : callFactsSchema.safeParse(JSON.parse(factsText));
      if (stored && facts?.success) reserved = { facts: facts.data, coveredSec: stored.coveredSec, bundleSec: stored.bundleSec };
    }
    const cost = req.answeredAtMs === null ? undefined : await this.#o.rates.carrierCost(req.carrierId, req.gatewayId, req.destination, req.answeredAtMs);
    await this.#o.queue.enqueue(finishRecord(req, reserved, cost, false));
    this.#sessions.delete(req.callId);
    this.#o.metrics.liveCalls.set(this.#sessions.size);
    if (req.tenantId !== null) await this.#o.store.leave(req.tenantId, req.callId);
  }

  /** Stops every timer (shutdown); live reservations stay in Redis for the reconciler. */
  stop(): void {
    for (const s of this.#sessions.values()) this.#o.clock.clearTimer(s.timer);
  }
}
