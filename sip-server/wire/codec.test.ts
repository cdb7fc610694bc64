import { describe, expect, it } from 'vitest';
import { decodeAppMessage, encodeServerFrame, encodeServerMessage, formatWireTime } from './codec.js';
import { FrameDecoder } from './framing.js';

describe('decodeAppMessage', () => {
  it('decodes authenticate with and without tags', () => {
    expect(decodeAppMessage('m1|authenticate|cymru|')).toEqual({ ok: true, message: { kind: 'authenticate', msgId: 'm1', secret: 'cymru', tags: [] } });
    const r = decodeAppMessage('m1|authenticate|s|a,b');
    expect(r.ok && r.message.kind === 'authenticate' && r.message.tags).toEqual(['a', 'b']);
  });

  it('lower-cases route verbs and keeps cdr streams', () => {
    expect(decodeAppMessage('m|route|INVITE')).toEqual({ ok: true, message: { kind: 'route', msgId: 'm', verb: 'invite' } });
    expect(decodeAppMessage('m|remove_route|cdr:stop')).toEqual({ ok: true, message: { kind: 'remove_route', msgId: 'm', verb: 'cdr:stop' } });
    expect(decodeAppMessage('m|route|').ok).toBe(false);
  });

  it('decodes the four sip shapes srf sends', () => {
    const sipText = 'INVITE sip:a@b SIP/2.0\r\nX-A: a|b\r\n\r\n';
    const newReq = decodeAppMessage(`m|sip||\r\n${sipText}`);
    expect(newReq).toEqual({ ok: true, message: { kind: 'sip', msgId: 'm', transactionId: undefined, dialogId: undefined, routeUri: undefined, sip: sipText } });
    const viaProxy = decodeAppMessage(`m|sip|||sip:1.2.3.4;transport=tcp\r\n${sipText}`);
    expect(viaProxy.ok && viaProxy.message.kind === 'sip' && viaProxy.message.routeUri).toBe('sip:1.2.3.4;transport=tcp');
    const resp = decodeAppMessage('m|sip|T1|\r\nSIP/2.0 200 OK\r\n\r\n');
    expect(resp.ok && resp.message.kind === 'sip' && resp.message.transactionId).toBe('T1');
    const inDialog = decodeAppMessage('m|sip||cid;from-tag=x\r\nBYE sip:placeholder SIP/2.0\r\n\r\n');
    expect(inDialog.ok && inDialog.message.kind === 'sip' && inDialog.message.dialogId).toBe('cid;from-tag=x');
  });

  it('decodes proxy fields by name', () => {
    const r = decodeAppMessage('m|proxy|T|remainInDialog|fullResponse||serial|2s||sip:a|sip:b\r\nINVITE sip:a SIP/2.0\r\n\r\n');
    expect(r.ok && r.message.kind === 'proxy' && r.message).toMatchObject({
      transactionId: 'T',
      remainInDialog: true,
      fullResponse: true,
      followRedirects: false,
      simultaneous: false,
      provisionalTimeout: '2s',
      destinations: ['sip:a', 'sip:b'],
    });
  });

  it('reports unknown types and malformed frames', () => {
    expect(decodeAppMessage('m|frobnicate')).toEqual({ ok: true, message: { kind: 'unknown', msgId: 'm', type: 'frobnicate' } });
    expect(decodeAppMessage('').ok).toBe(false);
    expect(decodeAppMessage('m|sip||').ok).toBe(false);
  });
});

describe('encodeServerMessage', () => {
  const meta = { source: 'network' as const, protocol: 'udp', address: '127.0.0.1', port: 5070, timeMs: Date.UTC(2026, 0, 1, 9, 15, 2, 481) };

  it('writes a sip frame for a new request with recv address and trailing bar', () => {
    const sip = 'INVITE sip:x SIP/2.0\r\n\r\n';
    const s = encodeServerMessage('S', { kind: 'sip', meta, transactionId: 'T', dialogId: '', receivedOn: { address: '127.0.0.1', port: 5060 }, sip });
    expect(s).toBe(`S|sip|network|${sip.length}|udp|127.0.0.1|5070|09:15:02.481000|T||127.0.0.1|5060|\r\n${sip}`);
  });

  it('writes replies with the field positions srf reads', () => {
    const sent = encodeServerMessage('S', { kind: 'response-request-sent', inReplyTo: 'M', meta: { ...meta, source: 'application' }, transactionId: 'T', sip: 'é' });
    const f = sent.split('\r\n')[0]!.split('|');
    expect([f[2], f[3], f[4], f[5], f[6], f[10]]).toEqual(['M', 'OK', 'application', '2', 'udp', 'T']);
    const resp = encodeServerMessage('S', { kind: 'response-response-sent', inReplyTo: 'M', meta, transactionId: 'T', dialogId: 'D', sip: 'x' });
    const g = resp.split('\r\n')[0]!.split('|');
    expect([g[10], g[11], g[12], g[13]]).toEqual(['T', 'D', '', 'Msg sent:']);
    expect(encodeServerMessage('S', { kind: 'response-fail', inReplyTo: 'M', status: 'NOK', reason: 'a|b' })).toBe('S|response|M|NOK|a b');
  });

  it('frames a Buffer SIP payload with its byte length, equal to the text encoding', () => {
    const sip = Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nContent-Length: 8\r\n\r\nhé ☎!', 'utf8');
    const m = { kind: 'sip' as const, meta, transactionId: 'T', dialogId: 'D', receivedOn: undefined, sip };
    const frame = encodeServerFrame('S', m);
    const r = new FrameDecoder().push(frame);
    expect(r.frames).toEqual([encodeServerMessage('S', m)]);
    expect(r.frames[0]).toContain(`|sip|network|${sip.length}|udp|`);
    expect(encodeServerFrame('S', { kind: 'response-ok', inReplyTo: 'M', data: ['pong'] }).toString()).toBe('20#S|response|M|OK|pong');
  });

  it('writes proxy progress with continue at field 12 (srf keeps its callback)', () => {
    const f = encodeServerMessage('S', { kind: 'response-proxy-final', inReplyTo: 'M', meta, sip: 'SIP/2.0 503 x' }).split('\r\n')[0]!.split('|');
    expect([f[2], f[3], f[4], f[6], f[7], f[8], f[10], f[11], f[12]]).toEqual(['M', 'OK', 'network', 'udp', '127.0.0.1', '5070', '', '', 'continue']);
  });

  it('writes CDR frames', () => {
    expect(encodeServerMessage('S', { kind: 'cdr:stop', source: 'application', timeMs: 0, reason: 'normal-release', sip: 'BYE' })).toBe(
      'S|cdr:stop|application|00:00:00.000000|normal-release\r\nBYE',
    );
    expect(formatWireTime(Date.UTC(2026, 0, 1, 23, 59, 59, 7))).toBe('23:59:59.007000');
  });
});
