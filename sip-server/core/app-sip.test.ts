import { describe, expect, it } from 'vitest';
import { serializeMessage } from '#sip-server/message/index.js';
import { parseAppSip } from './app-sip.js';

describe('parseAppSip (protocol §5.1)', () => {
  it('drops the headers the server owns and writes RFC 3262/6665/3515 headers in their standard spelling', () => {
    const r = parseAppSip(
      'PRACK sip:bob@127.0.0.1 SIP/2.0\r\nvia: SIP/2.0/UDP 1.2.3.4\r\nrack: 7 1 INVITE\r\nrequire: 100rel\r\nsupported: timer\r\nsupported: 100rel\r\nsubscription-state: active\r\nX-Call-Tag: Keep-Case\r\nrseq: 9\r\nContent-Length: 0\r\n\r\n',
    );
    if (!r.ok) throw new Error(r.reason);
    const text = serializeMessage(r.message).toString();
    expect(text).toContain('\r\nRAck: 7 1 INVITE\r\n');
    expect(text).toContain('\r\nRequire: 100rel\r\n');
    expect(text).toContain('\r\nSupported: timer, 100rel\r\n');
    expect(text).toContain('\r\nSubscription-State: active\r\n');
    expect(text).toContain('\r\nX-Call-Tag: Keep-Case\r\n');
    expect(text).not.toMatch(/via:|rseq:/i);
  });

  it('reports a parse failure as a reason', () => {
    const r = parseAppSip('not sip at all');
    expect(r.ok).toBe(false);
  });
});
