// Several rtpengine nodes behind one interface. One process holds at most ~4,900 calls here (the
// 20,000 open-files cap, 4 sockets a call; shared MEDIA-FACTS §1), so larger loads spread calls over
// a pool. A call stays on the node that took its first offer; new calls go to the healthy node with
// the fewest calls. Nodes are pinged on a timer and taken out after a failed ping or an ng timeout.
import type { Registry } from 'prom-client';
import type { Clock, TimerHandle } from '#lib/clock/index.js';
import type { Logger } from '#lib/log/index.js';
import { MediaErrorCode } from '../error-codes.js';
import { createMediaMetrics, type MediaMetrics } from '../metrics.js';
import { NgClient } from '../ng/ng-client.js';
import { NgError } from '../ng/ng-error.js';
import { MediaSession } from '../session/media-session.js';

type Node = { target: string; ng: NgClient; calls: number; up: boolean };

export type RtpenginePoolOptions = {
  /** `host:port` of each node's ng socket. */
  targets: readonly string[];
  clock: Clock;
  log: Logger;
  registry?: Registry;
  pingEveryMs?: number;
  timeoutMs?: number;
};

export class RtpenginePool {
  readonly #nodes: Node[];
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pingEveryMs: number;
  readonly #metrics: MediaMetrics | undefined;
  #timer: TimerHandle | undefined;
  #closed = false;

  constructor(options: RtpenginePoolOptions) {
    if (options.targets.length === 0) throw new NgError(MediaErrorCode.NG_ERROR, 'pool', 'an rtpengine pool needs at least one node');
    this.#clock = options.clock;
    this.#log = options.log;
    this.#pingEveryMs = options.pingEveryMs ?? 5_000;
    const metrics = options.registry ? createMediaMetrics(options.registry) : undefined;
    this.#metrics = metrics;
    this.#nodes = options.targets.map((target) => ({
      target,
      ng: new NgClient({ target, log: options.log, ...(metrics ? { metrics } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) }),
      calls: 0,
      up: true,
    }));
    for (const n of this.#nodes) metrics?.rtpengineUp.set({ node: n.target }, 1);
    this.#schedulePing();
  }

  /** Nodes that answered their last ping. */
  get healthyNodes(): number {
    return this.#nodes.filter((n) => n.up).length;
  }

  /** A media session for a new call on the least-loaded healthy node. */
  openSession(args: { callId: string; log: Logger; mediaAddress?: string; record?: boolean }): MediaSession {
    const candidates = this.#nodes.filter((n) => n.up);
    const node = (candidates.length > 0 ? candidates : this.#nodes).reduce((a, b) => (b.calls < a.calls ? b : a));
    node.calls++;
    this.#metrics?.rtpengineCalls.set({ node: node.target }, node.calls);
    let released = false;
    return new MediaSession({
      ng: node.ng,
      callId: args.callId,
      log: args.log,
      ...(args.mediaAddress === undefined ? {} : { mediaAddress: args.mediaAddress }),
      ...(args.record === undefined ? {} : { record: args.record }),
      onError: (err) => {
        if (err instanceof NgError && err.code === MediaErrorCode.NG_TIMEOUT) this.#markDown(node, err);
      },
      onClosed: () => {
        if (released) return;
        released = true;
        node.calls--;
        this.#metrics?.rtpengineCalls.set({ node: node.target }, node.calls);
      },
    });
  }

  /** Pings every node now; resolves when all answered or failed. */
  async pingAll(): Promise<void> {
    await Promise.all(
      this.#nodes.map(async (n) => {
        try {
          await n.ng.request('ping');
          if (!n.up) this.#log.info({ node: n.target }, 'rtpengine node back');
          n.up = true;
          this.#metrics?.rtpengineUp.set({ node: n.target }, 1);
        } catch (err) {
          this.#markDown(n, err);
        }
      }),
    );
  }

  close(): void {
    this.#closed = true;
    this.#clock.clearTimer(this.#timer);
    for (const n of this.#nodes) n.ng.close();
  }

  #markDown(node: Node, err: unknown): void {
    if (node.up) this.#log.warn({ node: node.target, err }, 'rtpengine node down');
    node.up = false;
    this.#metrics?.rtpengineUp.set({ node: node.target }, 0);
  }

  #schedulePing(): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimer(this.#pingEveryMs, () => {
      this.pingAll().then(
        () => this.#schedulePing(),
        () => this.#schedulePing(),
      );
    });
  }
}
