import { z } from 'zod';

/**
 * Commands the control plane sends to the switch about one live call (issue 9: a client starts or
 * stops recording during the call, as Twilio's and Telnyx's call-control APIs do). Redis pub/sub:
 * every switch instance receives the command on `CALL_COMMAND_CHANNEL`, and each one answers on the
 * command's `replyTo` channel, the one holding the call with the outcome and the others with
 * `not_found`, so the sender knows when every instance has answered.
 */
export const CALL_COMMAND_CHANNEL = 'softswitch:call-commands';

/** The reply channel of one control-API process. */
export function callCommandReplyChannel(instanceId: string): string {
  return `${CALL_COMMAND_CHANNEL}:reply:${instanceId}`;
}

export const CALL_COMMAND_ACTIONS = ['recording.start', 'recording.stop'] as const;
export type CallCommandAction = (typeof CALL_COMMAND_ACTIONS)[number];

export const callCommandSchema = z.strictObject({
  v: z.literal(1),
  requestId: z.uuid(),
  /** The A-leg Call-ID, as the CDR and the recordings list name the call. */
  callId: z.string().min(1).max(256),
  /** The workspace that asks: a switch answers `not_found` for another workspace's call. */
  tenantId: z.uuid(),
  action: z.enum(CALL_COMMAND_ACTIONS),
  replyTo: z.string().min(1).max(200),
});
export type CallCommand = z.infer<typeof callCommandSchema>;

export const CALL_COMMAND_RESULTS = ['started', 'already_recording', 'unavailable', 'stopped', 'not_recording', 'diagnostic_continues', 'not_found', 'failed'] as const;
export type CallCommandResult = (typeof CALL_COMMAND_RESULTS)[number];

export const callCommandReplySchema = z.strictObject({
  v: z.literal(1),
  requestId: z.uuid(),
  result: z.enum(CALL_COMMAND_RESULTS),
});
export type CallCommandReply = z.infer<typeof callCommandReplySchema>;

/** Decodes a message from the pub/sub channel; undefined when it is not JSON or outside the contract. */
export function decodeCallMessage<T>(schema: z.ZodType<T>, message: string): T | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
