import { Client, type NgResponse } from 'rtpengine-client';
import type { Logger } from '#lib/log/index.js';
import { MediaErrorCode } from '../error-codes.js';
import type { MediaMetrics } from '../metrics.js';
import { NgError } from './ng-error.js';

export type NgCommand = 'ping' | 'offer' | 'answer' | 'delete' | 'query' | 'list' | 'startRecording' | 'stopRecording';

/** Parameters of an ng request: raw ng keys (`call-id`, `from-tag`, `transport-protocol` …). */
export type NgParams = Record<string, unknown>;

export type NgClientOptions = {
  /** `host:port` of rtpengine's ng socket. */
  target: string;
  log: Logger;
  metrics?: MediaMetrics;
  /** Per-attempt timeout. ng runs over UDP, so a lost datagram must not hang a call. */
  timeoutMs?: number;
  /** Extra attempts after a timeout. */
  retries?: number;
};

/**
 * rtpengine ng client: one UDP socket, numbered requests (rtpengine-client keeps them by cookie),
 * a timeout and retries on every request, and `result: error` turned into NgError.
 * Close it to release the socket.
 */
export class NgClient {
  readonly #client: Client;
  readonly #host: string;
  readonly #port: number;
  readonly #retries: number;
  readonly #log: Logger;
  readonly #target: string;
  readonly #metrics: MediaMetrics | undefined;

  constructor(options: NgClientOptions) {
    const [host, port] = options.target.split(':');
    this.#host = host ?? '127.0.0.1';
    this.#port = Number(port);
    this.#retries = options.retries ?? 1;
    this.#log = options.log;
    this.#client = new Client({ localAddress: '0.0.0.0', timeout: options.timeoutMs ?? 1_500 });
    this.#client.on('error', (err: Error) => this.#log.warn({ err }, 'rtpengine ng client error'));
    this.#target = options.target;
    this.#metrics = options.metrics;
  }

  /** Sends `command` with `params`; resolves with rtpengine's answer when `result` is not `error`. */
  async request(command: NgCommand, params: NgParams = {}): Promise<NgResponse> {
    const end = this.#metrics?.ngDuration.startTimer({ command, node: this.#target });
    let lastCause: unknown;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      let res: NgResponse;
      try {
        res = await this.#send(command, params);
      } catch (cause) {
        lastCause = cause;
        this.#log.warn({ command, attempt, err: cause }, 'rtpengine did not answer');
        continue;
      }
      end?.();
      if (res.result === 'error') {
        this.#metrics?.ngErrors.inc({ command, node: this.#target, code: MediaErrorCode.NG_ERROR });
        throw new NgError(MediaErrorCode.NG_ERROR, command, `rtpengine ${command} failed: ${res['error-reason'] ?? 'unknown reason'}`);
      }
      return res;
    }
    this.#metrics?.ngErrors.inc({ command, node: this.#target, code: MediaErrorCode.NG_TIMEOUT });
    throw new NgError(MediaErrorCode.NG_TIMEOUT, command, `rtpengine ${this.#host}:${this.#port} did not answer ${command}`, { cause: lastCause });
  }

  #send(command: NgCommand, params: NgParams): Promise<NgResponse> {
    const target = { host: this.#host, port: this.#port };
    switch (command) {
      case 'ping':
        return this.#client.ping(target);
      case 'offer':
        return this.#client.offer(target, params);
      case 'answer':
        return this.#client.answer(target, params);
      case 'delete':
        return this.#client.delete(target, params);
      case 'query':
        return this.#client.query(target, params);
      case 'list':
        return this.#client.list(target, params);
      case 'startRecording':
        return this.#client.startRecording(target, params);
      case 'stopRecording':
        return this.#client.stopRecording(target, params);
    }
  }

  close(): void {
    this.#client.close();
  }
}
