import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { callLogger, createLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('writes JSON with service, call and tenant ids, and redacts secrets', async () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'switch', level: 'info', destination });
    callLogger(log, 'abc@host', 't-1').info({ password: 'hunter2', apiKey: 'k' }, 'call answered');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ service: 'switch', callId: 'abc@host', tenantId: 't-1', level: 'info', msg: 'call answered', password: '[redacted]', apiKey: '[redacted]' });
  });
});
