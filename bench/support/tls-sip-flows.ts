// The two SIP flows bench:sip-tls drives over a TlsSipClient: a digest-authenticated REGISTER
// (RFC 3261 §10.2, §22.4: 401 → retry with Authorization → 200) and a whole call (§13: INVITE → 2xx →
// ACK, then §15.1.1 BYE → 200). Any other final response rejects.
import { randomBytes } from 'node:crypto';
import { formatUri, getContacts, getToTag, type SipResponse } from '#sip-server/message/index.js';
import { computeHa1, expectedResponse, parseDigestHeader } from '#switch/admission/digest.js';
import type { TlsSipClient } from './tls-sip-client.js';

const SDP = ['v=0', 'o=bench 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 42000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

const token = (): string => randomBytes(6).toString('hex');

function expectStatus(r: SipResponse, status: number, what: string): void {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.reason}`);
}

type Req = { method: string; uri: string; branch: string; c: TlsSipClient; headers: string[]; body?: string };

function format(r: Req): string {
  const body = r.body ?? '';
  return [`${r.method} ${r.uri} SIP/2.0`, `Via: SIP/2.0/TLS 127.0.0.1:${r.c.localPort};branch=${r.branch};rport`, 'Max-Forwards: 70', ...r.headers, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

function send(r: Req): Promise<SipResponse> {
  return r.c.request(format(r), r.branch);
}

export type RegisterParams = { name: string; password: string; contactUser: string; serverPort: number };

/** REGISTER, answer the digest challenge (qop=auth when offered), expect 200. */
export async function tlsRegister(c: TlsSipClient, p: RegisterParams): Promise<void> {
  const uri = `sip:127.0.0.1:${p.serverPort};transport=tls`;
  const callId = `reg-${token()}`;
  const headers = (cseq: number): string[] => [
    `From: <sip:${p.name}@127.0.0.1>;tag=${token()}`,
    `To: <sip:${p.name}@127.0.0.1>`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${p.contactUser}@127.0.0.1:${c.localPort};transport=tls>;expires=600`,
  ];
  const first = await send({ method: 'REGISTER', uri, branch: c.branch(), c, headers: headers(1) });
  expectStatus(first, 401, 'REGISTER without credentials');
  const challenge = parseDigestHeader(first.headers.get('www-authenticate') ?? '');
  if (challenge?.['nonce'] === undefined || challenge['realm'] === undefined) throw new Error('401 without a digest challenge');
  const creds = { username: p.name, realm: challenge['realm'], nonce: challenge['nonce'], uri, response: '', algorithm: 'MD5' as const, qop: 'auth', nc: '00000001', cnonce: token() };
  creds.response = expectedResponse(creds, 'REGISTER', computeHa1('MD5', p.name, creds.realm, p.password));
  const auth = `Digest username="${p.name}", realm="${creds.realm}", nonce="${creds.nonce}", uri="${uri}", response="${creds.response}", algorithm=MD5, qop=auth, nc=${creds.nc}, cnonce="${creds.cnonce}"`;
  const second = await send({ method: 'REGISTER', uri, branch: c.branch(), c, headers: [...headers(2), `Authorization: ${auth}`] });
  expectStatus(second, 200, 'REGISTER with credentials');
}

export type CallParams = { serverPort: number; called: string };

/** INVITE → 200 → ACK → BYE → 200; rejects on anything else. */
export async function tlsCall(c: TlsSipClient, p: CallParams): Promise<void> {
  const callId = `call-${token()}`;
  const from = `From: <sip:bench@127.0.0.1>;tag=${token()}`;
  const contact = `Contact: <sip:bench@127.0.0.1:${c.localPort};transport=tls>`;
  const ok = await send({
    method: 'INVITE',
    uri: `sip:${p.called}@127.0.0.1:${p.serverPort};transport=tls`,
    branch: c.branch(),
    c,
    headers: [from, `To: <sip:${p.called}@127.0.0.1>`, `Call-ID: ${callId}`, 'CSeq: 1 INVITE', contact, 'Content-Type: application/sdp'],
    body: SDP,
  });
  expectStatus(ok, 200, 'INVITE');
  const toTag = getToTag(ok);
  const remote = getContacts(ok);
  const first = remote !== undefined && !remote.wildcard ? remote.contacts[0]?.uri : undefined;
  const target = first === undefined ? undefined : formatUri(first);
  if (toTag === undefined || target === undefined) throw new Error('200 to INVITE without To tag or Contact');
  const to = `To: <sip:${p.called}@127.0.0.1>;tag=${toTag}`;
  // RFC 3261 §13.2.2.4: the ACK for a 2xx is its own transaction-less request (new branch).
  c.send(format({ method: 'ACK', uri: target, branch: c.branch(), c, headers: [from, to, `Call-ID: ${callId}`, 'CSeq: 1 ACK'] }));
  const bye = await send({ method: 'BYE', uri: target, branch: c.branch(), c, headers: [from, to, `Call-ID: ${callId}`, 'CSeq: 2 BYE'] });
  expectStatus(bye, 200, 'BYE');
}
