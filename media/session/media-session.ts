// One call anchored in rtpengine: offer/answer per direction, re-offers for hold/resume, delete on
// every end path. Leg A is the side whose SDP came first (the caller); leg B the other side.
import type { Logger } from '#lib/log/index.js';
import { MediaErrorCode } from '../error-codes.js';
import type { NgClient, NgParams } from '../ng/ng-client.js';
import { NgError } from '../ng/ng-error.js';
import { ngParamsToward, type LegProfile } from './leg-profile.js';

export type MediaSessionOptions = {
  ng: NgClient;
  /** rtpengine call-id; one per call (the B2BUA's A-leg Call-ID is a good choice). */
  callId: string;
  log: Logger;
  /** Forces the address rtpengine sends to, e.g. when peers put a wrong c= line (MEDIA-FACTS §7). */
  mediaAddress?: string;
  /** Start recording with the first offer (the seam for opt-in call recording). */
  record?: boolean;
  /** Told about every failed ng request (a pool takes a timed-out node out). */
  onError?: (err: unknown) => void;
  /** Called once when the session is deleted. */
  onClosed?: () => void;
};

/** What rtpengine saw on one leg, from `query`. */
export type LegStats = { tag: string; protocol: string | undefined; packets: number; bytes: number; errors: number };

/** Topology hiding: rtpengine rewrites o= and the session c= line (RFC 4566 §5.2, §5.7). */
const HIDE_TOPOLOGY = { replace: ['origin', 'session-connection'] } as const;

export class MediaSession {
  readonly callId: string;
  readonly #ng: NgClient;
  readonly #log: Logger;
  readonly #extra: NgParams;
  readonly #onError: ((err: unknown) => void) | undefined;
  readonly #onClosed: (() => void) | undefined;
  #deleted = false;

  constructor(options: MediaSessionOptions) {
    this.callId = options.callId;
    this.#ng = options.ng;
    this.#log = options.log;
    this.#extra = {
      ...(options.mediaAddress === undefined ? {} : { 'media-address': options.mediaAddress }),
      ...(options.record ? { 'record call': 'yes' } : {}),
    };
    this.#onError = options.onError;
    this.#onClosed = options.onClosed;
  }

  /** SDP offered by the leg tagged `fromTag`, rewritten for the other leg, whose profile is `toward`. */
  async offer(sdp: string, fromTag: string, toward: LegProfile): Promise<string> {
    return this.#sdpOf('offer', { sdp, 'from-tag': fromTag, ...ngParamsToward(toward) });
  }

  /** SDP answered by the leg tagged `toTag` to the offer from `fromTag`, rewritten for the offerer, whose profile is `toward`. */
  async answer(sdp: string, fromTag: string, toTag: string, toward: LegProfile): Promise<string> {
    return this.#sdpOf('answer', { sdp, 'from-tag': fromTag, 'to-tag': toTag, ...ngParamsToward(toward) });
  }

  /** Per-leg packet counters (what rtpengine received from each leg). */
  async stats(): Promise<LegStats[]> {
    const res = await this.#ng.request('query', { 'call-id': this.callId });
    const tags = (res['tags'] ?? {}) as Record<string, { medias?: { protocol?: string; streams?: { stats?: { packets?: number; bytes?: number; errors?: number } }[] }[] }>;
    return Object.entries(tags).map(([tag, t]) => {
      const media = t.medias?.[0];
      const rtp = media?.streams?.[0]?.stats;
      return { tag, protocol: media?.protocol, packets: rtp?.packets ?? 0, bytes: rtp?.bytes ?? 0, errors: rtp?.errors ?? 0 };
    });
  }

  /** Starts recording the call now (rtpengine ng `start recording`), e.g. when the client asks mid-call. */
  async startRecording(): Promise<void> {
    await this.#control('startRecording');
  }

  /** Stops recording the call; what was recorded stays in the spool until the call is deleted (ng `stop recording`). */
  async stopRecording(): Promise<void> {
    await this.#control('stopRecording');
  }

  async #control(command: 'startRecording' | 'stopRecording'): Promise<void> {
    try {
      await this.#ng.request(command, { 'call-id': this.callId });
    } catch (err) {
      this.#onError?.(err);
      throw err;
    }
  }

  /** Deletes the call in rtpengine at once. Safe to call on every end path, more than once. */
  async delete(): Promise<void> {
    if (this.#deleted) return;
    this.#deleted = true;
    try {
      await this.#ng.request('delete', { 'call-id': this.callId, 'delete delay': 0 });
    } catch (err) {
      // The call is ending either way; rtpengine's own --timeout reclaims what a lost delete leaves.
      this.#log.warn({ err, callId: this.callId }, 'rtpengine delete failed');
      this.#onError?.(err);
    } finally {
      this.#onClosed?.();
    }
  }

  async #sdpOf(command: 'offer' | 'answer', params: NgParams): Promise<string> {
    let res;
    try {
      res = await this.#ng.request(command, { 'call-id': this.callId, ...HIDE_TOPOLOGY, ...this.#extra, ...params });
    } catch (err) {
      this.#onError?.(err);
      throw err;
    }
    if (typeof res.sdp !== 'string') throw new NgError(MediaErrorCode.NG_NO_SDP, command, `rtpengine ${command} returned no SDP`);
    return res.sdp;
  }
}
