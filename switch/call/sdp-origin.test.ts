import { describe, expect, it } from 'vitest';
import { continueOrigin } from './sdp-origin.js';

const sdp = (origin: string, port: number) => ['v=0', origin, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/AVP 0`, ''].join('\r\n');

describe('continueOrigin (RFC 3264 §8)', () => {
  it('keeps the previous username, session id and address, with the version + 1, and the new media', () => {
    const out = continueOrigin(sdp('o=- 1000 7 IN IP4 127.0.0.1', 40000), sdp('o=- 3000 3000 IN IP4 127.0.0.1', 40026));
    expect(out).toBe(sdp('o=- 1000 8 IN IP4 127.0.0.1', 40026));
  });

  it('handles versions beyond 2^53 and leaves SDPs without an origin alone', () => {
    expect(continueOrigin(sdp('o=x 1 9007199254740993 IN IP4 10.0.0.1', 1), sdp('o=y 2 2 IN IP4 10.0.0.2', 2))).toContain('o=x 1 9007199254740994 IN IP4 10.0.0.1\r\n');
    expect(continueOrigin('v=0\r\n', sdp('o=y 2 2 IN IP4 10.0.0.2', 2))).toBe(sdp('o=y 2 2 IN IP4 10.0.0.2', 2));
  });
});
