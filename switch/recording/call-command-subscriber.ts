// Acts on the control plane's commands for live calls (lib/call-commands): a client starts or stops
// recording during its call. Every switch instance answers every command so the sender knows when
// all have answered: the instance holding the call with the outcome, the others with `not_found`.
import { CALL_COMMAND_CHANNEL, callCommandSchema, decodeCallMessage, type CallCommand, type CallCommandResult } from '#lib/call-commands/index.js';
import { assertNever } from '#lib/errors/index.js';
import type { Logger } from '#lib/log/index.js';
import type { Redis } from '#lib/redis/index.js';
import type { BridgedCall } from '../call/bridged-call.js';

export type CallCommandDeps = { subscriber: Redis; publisher: Redis; active: ReadonlyMap<string, BridgedCall>; log: Logger };

/** Runs one command against the live calls of this instance. */
export async function runCallCommand(command: CallCommand, active: ReadonlyMap<string, BridgedCall>): Promise<CallCommandResult> {
  const call = active.get(command.callId);
  // Another workspace's call is answered like an unknown one: nothing leaks across workspaces.
  if (!call || call.record.tenantId !== command.tenantId) return 'not_found';
  switch (command.action) {
    case 'recording.start':
      return call.recording.start(call.media);
    case 'recording.stop':
      return call.recording.stop(call.media);
    default:
      return assertNever(command.action, 'call command');
  }
}

export async function subscribeCallCommands(d: CallCommandDeps): Promise<void> {
  d.subscriber.on('message', (channel: string, message: string) => {
    if (channel !== CALL_COMMAND_CHANNEL) return;
    const command = decodeCallMessage(callCommandSchema, message);
    if (!command) {
      d.log.warn('call command outside the contract');
      return;
    }
    void answer(d, command);
  });
  await d.subscriber.subscribe(CALL_COMMAND_CHANNEL);
}

async function answer(d: CallCommandDeps, command: CallCommand): Promise<void> {
  let result: CallCommandResult;
  try {
    result = await runCallCommand(command, d.active);
  } catch (err) {
    d.log.warn({ err, callId: command.callId, action: command.action }, 'call command failed');
    result = 'failed';
  }
  if (result !== 'not_found') d.log.info({ callId: command.callId, action: command.action, result }, 'call command');
  await d.publisher
    .publish(command.replyTo, JSON.stringify({ v: 1, requestId: command.requestId, result }))
    .catch((err: unknown) => d.log.warn({ err, callId: command.callId }, 'call command reply not sent'));
}
