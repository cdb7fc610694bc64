export {
  CHANGE_CHANNEL_PATTERN,
  CHANGE_CHANNEL_PREFIX,
  CHANGE_ENTITIES,
  changeChannel,
  changeEventSchema,
  decodeChangeEvent,
  encodeChangeEvent,
} from './change-events.js';
export type { ChangeEntity, ChangeEvent, ChangeEventDecodeResult } from './change-events.js';
