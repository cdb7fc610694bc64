export {
  RATER_API_PATHS,
  RATER_CUT_CHANNEL,
  DENY_REASONS,
  DISPOSITIONS,
  answerRequestSchema,
  answerResponseSchema,
  authorizeRequestSchema,
  authorizeResponseSchema,
  callDirectionSchema,
  cutEventSchema,
  denyReasonSchema,
  endRequestSchema,
  endResponseSchema,
  errorResponseSchema,
  priceSchema,
} from './schemas.js';
export type { AnswerRequest, AnswerResponse, AuthorizeRequest, AuthorizeResponse, CallDirection, CutEvent, DenyReason, EndRequest, EndResponse, Price } from './schemas.js';
export { RaterClient } from './client.js';
export type { RaterClientOptions } from './client.js';
