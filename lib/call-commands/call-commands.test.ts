import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callCommandReplyChannel, callCommandSchema, decodeCallMessage } from './index.js';

describe('call commands', () => {
  const command = { v: 1, requestId: randomUUID(), callId: 'abc@host', tenantId: randomUUID(), action: 'recording.start', replyTo: callCommandReplyChannel('api-1') };

  it('decodes a command in the contract', () => {
    expect(decodeCallMessage(callCommandSchema, JSON.stringify(command))).toEqual(command);
  });

  it('refuses bad JSON, unknown actions and extra fields without throwing', () => {
    expect(decodeCallMessage(callCommandSchema, '{nope')).toBeUndefined();
    expect(decodeCallMessage(callCommandSchema, JSON.stringify({ ...command, action: 'hangup' }))).toBeUndefined();
    expect(decodeCallMessage(callCommandSchema, JSON.stringify({ ...command, extra: 1 }))).toBeUndefined();
    expect(decodeCallMessage(callCommandSchema, JSON.stringify({ ...command, callId: '' }))).toBeUndefined();
  });
});
