import { Agent, request } from 'node:http';
import { AppError } from '#lib/errors/index.js';
import {
  RATER_API_PATHS,
  answerResponseSchema,
  authorizeMessageResponseSchema,
  authorizeResponseSchema,
  endResponseSchema,
  errorResponseSchema,
  type AnswerRequest,
  type AnswerResponse,
  type AuthorizeMessageRequest,
  type AuthorizeMessageResponse,
  type AuthorizeRequest,
  type AuthorizeResponse,
  type EndRequest,
  type EndResponse,
  type SettleMessageRequest,
  type SettleMessageResponse,
  settleMessageResponseSchema,
} from './schemas.js';

export type RaterClientOptions = {
  /** e.g. http://127.0.0.1:9113 */
  baseUrl: string;
  timeoutMs?: number;
  maxSockets?: number;
};

/** Typed client of the billing rater's API (HTTP JSON, keep-alive). Responses are validated. */
export class RaterClient {
  readonly #url: URL;
  readonly #agent: Agent;
  readonly #timeoutMs: number;

  constructor(options: RaterClientOptions) {
    this.#url = new URL(options.baseUrl);
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
    this.#timeoutMs = options.timeoutMs ?? 2_000;
  }

  authorize(req: AuthorizeRequest): Promise<AuthorizeResponse> {
    return this.#post(RATER_API_PATHS.authorize, req, (b) => authorizeResponseSchema.parse(b));
  }

  answer(req: AnswerRequest): Promise<AnswerResponse> {
    return this.#post(RATER_API_PATHS.answer, req, (b) => answerResponseSchema.parse(b));
  }

  end(req: EndRequest): Promise<EndResponse> {
    return this.#post(RATER_API_PATHS.end, req, (b) => endResponseSchema.parse(b));
  }

  /** Holds one message's price (or a bundle message) before the switch sends it. */
  authorizeMessage(req: AuthorizeMessageRequest): Promise<AuthorizeMessageResponse> {
    return this.#post(RATER_API_PATHS.authorizeMessage, req, (b) => authorizeMessageResponseSchema.parse(b));
  }

  /** Charges a held message once (`sent`) or gives the hold back (`failed`); safe to repeat. */
  settleMessage(req: SettleMessageRequest): Promise<SettleMessageResponse> {
    return this.#post(RATER_API_PATHS.settleMessage, req, (b) => settleMessageResponseSchema.parse(b));
  }

  close(): void {
    this.#agent.destroy();
  }

  #post<T>(path: string, body: unknown, decode: (b: unknown) => T): Promise<T> {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          agent: this.#agent,
          host: this.#url.hostname,
          port: this.#url.port,
          path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': payload.length },
          timeout: this.#timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch (cause) {
              reject(new AppError('RATER_API_BAD_RESPONSE', `rater ${path} answered with non-JSON`, { cause }));
              return;
            }
            if ((res.statusCode ?? 500) >= 300) {
              const err = errorResponseSchema.safeParse(parsed);
              reject(new AppError(err.success ? err.data.code : 'RATER_API_ERROR', err.success ? err.data.message : `rater ${path} failed with ${res.statusCode}`));
              return;
            }
            try {
              resolve(decode(parsed));
            } catch (cause) {
              reject(new AppError('RATER_API_BAD_RESPONSE', `rater ${path} answered outside the contract`, { cause }));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new AppError('RATER_API_TIMEOUT', `rater ${path} did not answer within ${this.#timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
