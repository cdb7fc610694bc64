import { describe, expect, it } from 'vitest';
import { SeededIdSource } from '#lib/ids/index.js';
import { createLogger } from '#lib/log/index.js';
import { getRoutes, getTopVia, type SipRequest, type SipResponse } from '#sip-server/message/index.js';
import { AppConnection, decodeAppMessage, FrameDecoder, RouteTable } from '#sip-server/wire/index.js';
import { answer, INVITE, makeDeps, MemoryServerTxn, parse } from './proxy-test-harness.js';
import { SipProxy } from './sip-proxy.js';

type Opts = { remainInDialog?: boolean; followRedirects?: boolean; simultaneous?: boolean; provisional?: string; final?: string; headers?: string };

function setup() {
  const h = makeDeps();
  const proxy = new SipProxy(h.deps);
  const frames: string[] = [];
  const decoder = new FrameDecoder();
  const conn = new AppConnection({
    id: 'app-1',
    socket: { write: (b: Buffer) => frames.push(...decoder.push(b).frames), end: () => undefined },
    remote: { address: '127.0.0.1', port: 1 },
    identity: { secret: 's', version: 'v0.9.4', hostports: () => '', localHostports: () => '' },
    routes: new RouteTable<AppConnection>(),
    user: { onAppSip: () => undefined, onAppProxy: () => undefined, onConnectionClosed: () => undefined },
    ids: new SeededIdSource(9),
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  /** The app proxies `txn` to `targets` (the frame srf sends, protocol §3.7). */
  const proxyTo = (txn: MemoryServerTxn, targets: string[], o: Opts = {}): void => {
    const leader = `m1|proxy|T1|${o.remainInDialog ? 'remainInDialog' : ''}|fullResponse|${o.followRedirects ? 'followRedirects' : ''}|${o.simultaneous ? 'simultaneous' : 'serial'}|${o.provisional ?? ''}|${o.final ?? ''}|${targets.join('|')}`;
    const decoded = decodeAppMessage(`${leader}\r\nINVITE ${targets[0] ?? ''} SIP/2.0\r\n${o.headers ?? ''}\r\n`);
    if (!decoded.ok || decoded.message.kind !== 'proxy') throw new Error('bad proxy frame');
    proxy.start({ conn, command: decoded.message, txn });
  };
  /** App frames as [status, field 12] pairs: `continue` per branch final, then `done`. */
  const appView = (): string[] => frames.map((f) => {
    const fields = (f.split('\r\n')[0] ?? '').split('|');
    return fields[4] === 'done' ? 'done' : fields[3] === 'NOK' ? `NOK ${fields[4] ?? ''}` : `${/^SIP\/2\.0 (\d+)/m.exec(f)?.[1] ?? '?'} ${fields[12] ?? ''}`;
  });
  const txn = new MemoryServerTxn(parse(INVITE) as SipRequest);
  return { ...h, proxy, proxyTo, appView, txn, conn };
}

const statuses = (rs: readonly SipResponse[]): number[] => rs.map((r) => r.status);

describe('SipProxy: serial forking (protocol §6.2, RFC 3261 §16.6)', () => {
  it('fails over after a 503, forwards the copy per §16.6, reports continue then done', () => {
    const { stack, proxyTo, txn, appView, cdrs, proxy } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090'], { remainInDialog: true, headers: 'X-Routed-By: my-app\r\nVia: SIP/2.0/UDP evil\r\n' });
    expect(stack.sent).toHaveLength(1);
    const first = stack.sent[0]!;
    expect(first.request.uri).toBe('sip:127.0.0.1:5080'); // R-URI was ours → replaced by the target
    expect(first.dest).toMatchObject({ protocol: 'udp', address: '127.0.0.1', port: 5080 });
    expect(first.request.headers.get('max-forwards')).toBe('69');
    expect(first.request.headers.get('record-route')).toBe('<sip:127.0.0.1:5060;lr>');
    expect(first.request.headers.get('x-routed-by')).toBe('my-app');
    expect(first.request.headers.getAll('via')).toHaveLength(2); // ours + the caller's; the app's Via is ignored
    expect(txn.request.headers.get('max-forwards')).toBe('70'); // the server transaction's copy is untouched
    answer(first, 100);
    answer(first, 503);
    expect(stack.sent).toHaveLength(2);
    const second = stack.sent[1]!;
    answer(second, 180);
    answer(second, 200);
    expect(statuses(txn.responses)).toEqual([180, 200]);
    // §16.7 step 3: our Via is gone from what goes upstream.
    expect(getTopVia(txn.responses[1]!)?.branch).toBe('z9hG4bKcaller');
    expect(appView()).toEqual(['503 continue', '200 continue', 'done']);
    expect(first.canceled + second.canceled).toBe(0);
    expect(cdrs.map((c) => `${c.kind}:${c.source}`)).toEqual(['cdr:attempt:application', 'cdr:stop:network', 'cdr:attempt:application', 'cdr:start:network', 'cdr:start:application']);
    expect(proxy.stats.sessions).toBe(0);
  });

  it('sends every copy to the configured outbound proxy, the target still in the Request-URI', () => {
    const h = makeDeps();
    const proxy = new SipProxy({ ...h.deps, outboundProxy: 'sip:127.0.0.1:5999;lr' });
    const txn = new MemoryServerTxn(parse(INVITE) as SipRequest);
    const decoded = decodeAppMessage('m1|proxy|T1||fullResponse||serial|||sip:127.0.0.1:5080\r\nINVITE sip:127.0.0.1:5080 SIP/2.0\r\n\r\n');
    if (!decoded.ok || decoded.message.kind !== 'proxy') throw new Error('bad proxy frame');
    const { conn } = setup();
    proxy.start({ conn, command: decoded.message, txn });
    expect(h.stack.sent[0]!.request.uri).toBe('sip:127.0.0.1:5080');
    expect(h.stack.sent[0]!.dest.port).toBe(5999);
  });

  it('keeps a Request-URI that is not ours and uses the target only as next hop', () => {
    const { stack, proxyTo } = setup();
    const txn = new MemoryServerTxn(parse(INVITE.replace('INVITE sip:bob@127.0.0.1:5060', 'INVITE sip:bob@example.com')) as SipRequest);
    proxyTo(txn, ['sip:127.0.0.1:5080']);
    expect(stack.sent[0]!.request.uri).toBe('sip:bob@example.com');
    expect(stack.sent[0]!.dest.port).toBe(5080);
    expect(stack.sent[0]!.request.headers.has('record-route')).toBe(false);
  });

  it('moves on when a target sends nothing within the provisional timeout; a late 1xx changes nothing', () => {
    const { stack, proxyTo, txn, clock } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090'], { provisional: '1s' });
    clock.advance(999);
    expect(stack.sent).toHaveLength(1);
    clock.advance(1);
    expect(stack.sent).toHaveLength(2);
    expect(stack.sent[0]!.canceled).toBe(1); // queued in the layer until a 1xx (§9.1)
    answer(stack.sent[0]!, 180);
    expect(txn.responses).toHaveLength(0);
    answer(stack.sent[1]!, 200);
    expect(statuses(txn.responses)).toEqual([200]);
  });

  it('finalTimeout cancels a ringing target and tries the next (OPEN-1)', () => {
    const { stack, proxyTo, txn, clock } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090'], { final: '1500ms' });
    answer(stack.sent[0]!, 180);
    clock.advance(1500);
    expect(stack.sent[0]!.canceled).toBe(1);
    expect(stack.sent).toHaveLength(2);
    answer(stack.sent[0]!, 487); // the cancelled branch's final is ignored
    answer(stack.sent[1]!, 200);
    expect(statuses(txn.responses)).toEqual([180, 200]);
  });

  it('Timer C: no final 185 s after the last 1xx → CANCEL and 408 upstream', () => {
    const { stack, proxyTo, txn, clock, appView } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080']);
    clock.advance(100_000);
    answer(stack.sent[0]!, 180); // resets Timer C
    clock.advance(184_999);
    expect(statuses(txn.responses)).toEqual([180]);
    clock.advance(1);
    expect(stack.sent[0]!.canceled).toBe(1);
    expect(statuses(txn.responses)).toEqual([180, 408]);
    expect(appView()).toEqual(['done']);
  });

  it('a 401 challenge stops the search: untried targets are abandoned, the 401 goes upstream', () => {
    const { stack, proxyTo, txn } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090']);
    answer(stack.sent[0]!, 401, { 'WWW-Authenticate': 'Digest realm="x", nonce="n"' });
    expect(stack.sent).toHaveLength(1);
    expect(statuses(txn.responses)).toEqual([401]);
  });

  it('remembers a challenge for 2 s: the authenticated retry goes to the target that challenged (protocol §6.2)', () => {
    const { stack, proxyTo, txn, clock } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090']);
    answer(stack.sent[0]!, 503);
    answer(stack.sent[1]!, 407, { 'Proxy-Authenticate': 'Digest realm="x", nonce="abc123", algorithm=MD5' });
    expect(statuses(txn.responses)).toEqual([407]);
    const retry = (): MemoryServerTxn =>
      new MemoryServerTxn(parse(INVITE.replace('CSeq: 1 INVITE', 'CSeq: 2 INVITE\nProxy-Authorization: Digest username="u", realm="x", nonce="abc123", uri="sip:bob@127.0.0.1", response="0"')) as SipRequest);
    proxyTo(retry(), ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090']);
    expect(stack.sent.slice(2).map((s) => s.dest.port)).toEqual([5090]);
    clock.advance(2000);
    proxyTo(retry(), ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090']);
    expect(stack.sent.slice(3).map((s) => s.dest.port)).toEqual([5080]);
  });

  it('a transport failure counts as 503 and a lone 503 goes upstream as 500 (§16.7 step 6)', () => {
    const { stack, proxyTo, txn } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080']);
    stack.sent[0]!.user.onFailure('transport');
    expect(statuses(txn.responses)).toEqual([500]);
  });

  it('every target failing sends the best response: 486 over 503', () => {
    const { stack, proxyTo, txn, appView } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090']);
    answer(stack.sent[0]!, 503);
    answer(stack.sent[1]!, 486);
    expect(statuses(txn.responses)).toEqual([486]);
    expect(appView()).toEqual(['503 continue', '486 continue', 'done']);
  });
});

describe('SipProxy: simultaneous forking and CANCEL (RFC 3261 §16.7 step 10, §16.10)', () => {
  it('starts every target, relays 1xx, and cancels the others on the first 2xx', () => {
    const { stack, proxyTo, txn, appView } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090', 'sip:127.0.0.1:5100'], { simultaneous: true });
    expect(stack.sent).toHaveLength(3);
    answer(stack.sent[0]!, 180);
    answer(stack.sent[1]!, 100);
    answer(stack.sent[2]!, 200);
    expect(stack.sent.map((s) => s.canceled)).toEqual([1, 1, 0]);
    answer(stack.sent[0]!, 487);
    answer(stack.sent[2]!, 200); // a 2xx retransmission is forwarded too (§16.7 step 5)
    expect(statuses(txn.responses)).toEqual([180, 200, 200]);
    expect(appView()).toEqual(['200 continue', 'done']);
  });

  it('an upstream CANCEL cancels live branches; their 487s decide the answer', () => {
    const { stack, proxyTo, txn, proxy, cdrs } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090'], { simultaneous: true });
    answer(stack.sent[0]!, 180);
    answer(stack.sent[1]!, 180);
    const cancel = parse(INVITE.replace(/INVITE/g, 'CANCEL')) as SipRequest;
    expect(proxy.onCancel(txn, cancel)).toBe(true);
    expect(stack.sent.map((s) => s.canceled)).toEqual([1, 1]);
    answer(stack.sent[0]!, 487);
    expect(statuses(txn.responses)).toEqual([180, 180]);
    // This callee echoes the CANCEL's single Via (ours); upstream still gets the caller's Via.
    answer(stack.sent[1]!, 487, { Via: stack.sent[1]!.request.headers.getAll('via')[0]! });
    expect(statuses(txn.responses)).toEqual([180, 180, 487]);
    expect(txn.responses[2]!.headers.getAll('via')).toEqual(txn.request.headers.getAll('via'));
    expect(cdrs.filter((c) => c.kind === 'cdr:stop' && c.source === 'network' && c.reason === 'call-canceled')).toHaveLength(3);
  });

  it('gives up on a branch that ignores the CANCEL after 64*T1', () => {
    const { stack, proxyTo, txn, proxy, clock } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080']);
    answer(stack.sent[0]!, 180);
    proxy.onCancel(txn, parse(INVITE.replace(/INVITE/g, 'CANCEL')) as SipRequest);
    clock.advance(64 * 500);
    expect(statuses(txn.responses)).toEqual([180, 487]);
  });
});

describe('SipProxy: non-INVITE requests', () => {
  it('forks a MESSAGE: the first 2xx wins, nothing is CANCELled (CANCEL is for INVITE only, §9), no CDRs', () => {
    const { stack, proxyTo, cdrs, appView } = setup();
    const msg = new MemoryServerTxn(parse(INVITE.replace(/INVITE/g, 'MESSAGE')) as SipRequest);
    proxyTo(msg, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5090'], { simultaneous: true });
    expect(stack.sent).toHaveLength(2);
    answer(stack.sent[1]!, 202);
    answer(stack.sent[0]!, 404);
    expect(statuses(msg.responses)).toEqual([202]);
    expect(stack.sent.map((s) => s.canceled)).toEqual([0, 0]);
    expect(cdrs).toEqual([]);
    expect(appView()).toEqual(['202 continue', 'done']);
  });
});

describe('SipProxy: redirects (RFC 3261 §16.5)', () => {
  it('follows 3xx Contacts by q, right after the redirecting branch, skipping known targets', () => {
    const { stack, proxyTo, txn, appView } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080', 'sip:127.0.0.1:5200'], { followRedirects: true });
    answer(stack.sent[0]!, 302, { Contact: '<sip:c@127.0.0.1:5091>;q=0.5, <sip:d@127.0.0.1:5090>, <sip:127.0.0.1:5200>' });
    expect(stack.sent.map((s) => s.dest.port)).toEqual([5080, 5090]);
    answer(stack.sent[1]!, 486);
    expect(stack.sent.map((s) => s.dest.port)).toEqual([5080, 5090, 5091]);
    answer(stack.sent[2]!, 200);
    expect(appView()).toEqual(['302 continue', '486 continue', '200 continue', 'done']);
    expect(stack.sent.map((s) => s.dest.port)).toEqual([5080, 5090, 5091]); // 5200 never needed
  });

  it('without followRedirects a 3xx is a candidate final response', () => {
    const { stack, proxyTo, txn } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080']);
    answer(stack.sent[0]!, 302, { Contact: '<sip:d@127.0.0.1:5090>' });
    expect(stack.sent).toHaveLength(1);
    expect(statuses(txn.responses)).toEqual([302]);
  });
});

describe('SipProxy: refusals (protocol §6.2, §6.3)', () => {
  it('Max-Forwards 0 → 483 upstream and NOK to the app', () => {
    const { stack, proxyTo, appView } = setup();
    const txn = new MemoryServerTxn(parse(INVITE.replace('Max-Forwards: 70', 'Max-Forwards: 0')) as SipRequest);
    proxyTo(txn, ['sip:127.0.0.1:5080']);
    expect(stack.sent).toHaveLength(0);
    expect(statuses(txn.responses)).toEqual([483]);
    expect(appView()).toEqual(['NOK Max-Forwards exhausted']);
  });

  it('a bad timeout → 500 upstream and NOK', () => {
    const { stack, proxyTo, txn, appView } = setup();
    proxyTo(txn, ['sip:127.0.0.1:5080'], { provisional: 'soon' });
    expect(stack.sent).toHaveLength(0);
    expect(statuses(txn.responses)).toEqual([500]);
    expect(appView()[0]).toMatch(/^NOK invalid provisional timeout/);
  });

  it('never sends to itself (srf proxies to the R-URI, our own address, when given no destination)', () => {
    const { stack, proxyTo, txn, appView } = setup();
    proxyTo(txn, ['sip:bob@127.0.0.1:5060']);
    expect(stack.sent).toHaveLength(0);
    expect(statuses(txn.responses)).toEqual([500]); // nothing went out: drachtio's failure to start
    expect(appView()).toEqual(['NOK error proxying request: no usable destination']);
  });

  it('REGISTER with remainInDialog gets Path and Require: path instead of Record-Route (RFC 3327)', () => {
    const { stack, proxyTo } = setup();
    const reg = new MemoryServerTxn(parse(INVITE.replace(/INVITE/g, 'REGISTER')) as SipRequest);
    proxyTo(reg, ['sip:127.0.0.1:5080'], { remainInDialog: true });
    const sent = stack.sent[0]!.request;
    expect(sent.headers.get('path')).toBe('<sip:127.0.0.1:5060;lr>');
    expect(sent.headers.get('require')).toBe('path');
    expect(sent.headers.has('record-route')).toBe(false);
  });

  it('an unusable target (a name, no DNS) is skipped; with none usable → 500 and NOK', () => {
    const { stack, proxyTo, txn } = setup();
    proxyTo(txn, ['sip:pbx.example.com', 'sip:127.0.0.1:5080']);
    expect(stack.sent.map((s) => s.dest.port)).toEqual([5080]);
    answer(stack.sent[0]!, 200);
    const txn2 = new MemoryServerTxn(parse(INVITE) as SipRequest);
    proxyTo(txn2, ['sip:pbx.example.com']);
    expect(statuses(txn2.responses)).toEqual([500]);
  });
});

describe('SipProxy: in-dialog requests along our Record-Route (RFC 3261 §16.12)', () => {
  const inDialog = (method: string, route: string, uri = 'sip:sipp@127.0.0.1:5090'): SipRequest =>
    parse(
      [
        `${method} ${uri} SIP/2.0`,
        'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKbye',
        `Route: ${route}`,
        'From: <sip:alice@127.0.0.1:5070>;tag=ftag',
        'To: <sip:bob@127.0.0.1:5060>;tag=t5090',
        'Call-ID: call-1@127.0.0.1',
        `CSeq: 2 ${method}`,
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\n'),
    ) as SipRequest;

  it('forwards a BYE to the Request-URI with our Route popped and relays the 200 upstream', () => {
    const { stack, proxy, cdrs } = setup();
    const bye = new MemoryServerTxn(inDialog('BYE', '<sip:127.0.0.1:5060;lr>, <sip:10.0.0.9:5070;lr>'));
    expect(proxy.onRequest(bye)).toBe(true);
    const sent = stack.sent[0]!;
    expect(sent.dest).toMatchObject({ address: '10.0.0.9', port: 5070 }); // §16.6 step 7: the next Route
    expect(getRoutes(sent.request).map((r) => r.uri.host)).toEqual(['10.0.0.9']);
    expect(sent.request.headers.get('max-forwards')).toBe('69');
    answer(sent, 200);
    expect(statuses(bye.responses)).toEqual([200]);
    expect(getTopVia(bye.responses[0]!)?.branch).toBe('z9hG4bKbye');
    expect(proxy.stats.inDialog).toEqual({ requests: 1, acks: 0 });
    expect(cdrs.map((c) => c.kind === 'cdr:stop' && c.reason)).toEqual(['normal-release']);
  });

  it('forwards an ACK statelessly with our Via', () => {
    const { stack, proxy } = setup();
    expect(proxy.onAck(inDialog('ACK', '<sip:127.0.0.1:5060;lr>'), { protocol: 'udp', remoteAddress: '127.0.0.1', remotePort: 5070, localAddress: '127.0.0.1', localPort: 5060 })).toBe(true);
    expect(stack.stateless[0]!.dest).toMatchObject({ address: '127.0.0.1', port: 5090 });
    expect(proxy.stats.inDialog.acks).toBe(1);
  });

  it('leaves requests addressed to us, without our Route, or outside a dialog to the core', () => {
    const { proxy } = setup();
    expect(proxy.onRequest(new MemoryServerTxn(inDialog('BYE', '<sip:127.0.0.1:5060;lr>', 'sip:127.0.0.1:5060')))).toBe(false);
    expect(proxy.onRequest(new MemoryServerTxn(inDialog('BYE', '<sip:10.0.0.9;lr>')))).toBe(false);
    expect(proxy.onRequest(new MemoryServerTxn(parse(INVITE.replace('Max-Forwards: 70', 'Route: <sip:127.0.0.1:5060;lr>\nMax-Forwards: 70')) as SipRequest))).toBe(false);
  });

  it('re-INVITE: Timer C (reset by each 1xx) cancels it and answers 408; an upstream CANCEL is passed on', () => {
    const { stack, proxy, clock } = setup();
    const reinvite = new MemoryServerTxn(inDialog('INVITE', '<sip:127.0.0.1:5060;lr>'));
    expect(proxy.onRequest(reinvite)).toBe(true);
    clock.advance(100_000);
    answer(stack.sent[0]!, 180);
    clock.advance(184_999);
    expect(statuses(reinvite.responses)).toEqual([180]);
    clock.advance(1);
    expect(stack.sent[0]!.canceled).toBe(1);
    expect(statuses(reinvite.responses)).toEqual([180, 408]);

    const second = new MemoryServerTxn(inDialog('INVITE', '<sip:127.0.0.1:5060;lr>'));
    proxy.onRequest(second);
    answer(stack.sent[1]!, 180);
    expect(proxy.onCancel(second, parse(INVITE.replace(/INVITE/g, 'CANCEL')) as SipRequest)).toBe(true);
    expect(stack.sent[1]!.canceled).toBe(1);
    answer(stack.sent[1]!, 487);
    expect(statuses(second.responses)).toEqual([180, 487]);
    clock.advance(200_000);
    expect(statuses(second.responses)).toEqual([180, 487]); // Timer C was stopped
    expect(proxy.onCancel(second, parse(INVITE.replace(/INVITE/g, 'CANCEL')) as SipRequest)).toBe(false);
  });

  it('answers 483 when Max-Forwards is exhausted', () => {
    const { stack, proxy } = setup();
    const req = inDialog('BYE', '<sip:127.0.0.1:5060;lr>');
    req.headers.set('Max-Forwards', '0');
    const bye = new MemoryServerTxn(req);
    expect(proxy.onRequest(bye)).toBe(true);
    expect(stack.sent).toHaveLength(0);
    expect(statuses(bye.responses)).toEqual([483]);
  });
});
