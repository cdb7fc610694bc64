export {
  CALL_COMMAND_ACTIONS,
  CALL_COMMAND_CHANNEL,
  CALL_COMMAND_RESULTS,
  callCommandReplyChannel,
  callCommandReplySchema,
  callCommandSchema,
  decodeCallMessage,
} from './call-commands.js';
export type { CallCommand, CallCommandAction, CallCommandReply, CallCommandResult } from './call-commands.js';
