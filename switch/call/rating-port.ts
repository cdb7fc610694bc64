// The switch's view of the billing rater: authorize at setup, answer at 200 OK, end once per
// attempt, and cut events when a balance runs out. Backed by lib/rater-api's HTTP client and the
// rater's Redis pub/sub channel.
import type { Logger } from '#lib/log/index.js';
import type { Redis } from '#lib/redis/index.js';
import {
  RATER_CUT_CHANNEL,
  cutEventSchema,
  type AnswerRequest,
  type AnswerResponse,
  type AuthorizeRequest,
  type AuthorizeResponse,
  type CutEvent,
  type RaterClient,
} from '#lib/rater-api/index.js';
import type { CallEnd } from './call-record.js';

export interface RatingPort {
  authorize(req: AuthorizeRequest): Promise<AuthorizeResponse>;
  answer(req: AnswerRequest): Promise<AnswerResponse>;
  end(facts: CallEnd): Promise<void>;
}

export class RaterRatingPort implements RatingPort {
  readonly #client: RaterClient;

  constructor(client: RaterClient) {
    this.#client = client;
  }

  authorize(req: AuthorizeRequest): Promise<AuthorizeResponse> {
    return this.#client.authorize(req);
  }

  answer(req: AnswerRequest): Promise<AnswerResponse> {
    return this.#client.answer(req);
  }

  async end(facts: CallEnd): Promise<void> {
    await this.#client.end(facts);
  }
}

/** Subscribes to the rater's cut events on a dedicated Redis connection (pub/sub needs its own). */
export async function subscribeCutEvents(subscriber: Redis, log: Logger, onCut: (event: CutEvent) => void): Promise<void> {
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== RATER_CUT_CHANNEL) return;
    let raw: unknown;
    try {
      raw = JSON.parse(message);
    } catch {
      log.warn({ channel }, 'cut event is not JSON');
      return;
    }
    const parsed = cutEventSchema.safeParse(raw);
    if (!parsed.success) {
      log.warn({ channel }, 'cut event outside the contract');
      return;
    }
    onCut(parsed.data);
  });
  await subscriber.subscribe(RATER_CUT_CHANNEL);
}
