// drachtio wire codec: the only place that reads or writes header-line fields by position
// (/work/shared/drachtio-protocol.md §3). Everything else uses the typed records below.
import { assertNever } from '#lib/errors/index.js';
import { WIRE_ERROR_CODES } from './error-codes.js';
import { WireProtocolError } from './wire-error.js';

const CRLF = '\r\n';

/** A command an app sent to the server, decoded once. */
export type AppMessage =
  | { kind: 'authenticate'; msgId: string; secret: string; tags: readonly string[] }
  | { kind: 'route'; msgId: string; verb: string }
  | { kind: 'remove_route'; msgId: string; verb: string }
  | { kind: 'ping'; msgId: string }
  | {
      kind: 'sip';
      msgId: string;
      /** Server transaction id the app answers or cancels; undefined for new and in-dialog requests. */
      transactionId: string | undefined;
      dialogId: string | undefined;
      /** Next hop for a new request (srf `proxy` option, digest retries). */
      routeUri: string | undefined;
      /** The (sparse) SIP message the app wrote. */
      sip: string;
    }
  | {
      kind: 'proxy';
      msgId: string;
      transactionId: string;
      remainInDialog: boolean;
      fullResponse: boolean;
      followRedirects: boolean;
      simultaneous: boolean;
      provisionalTimeout: string;
      finalTimeout: string;
      destinations: readonly string[];
      sip: string;
    }
  | { kind: 'unknown'; msgId: string; type: string };

export type DecodeResult = { ok: true; message: AppMessage } | { ok: false; msgId: string | undefined; error: WireProtocolError };

function bad(msgId: string | undefined, text: string): DecodeResult {
  return { ok: false, msgId, error: new WireProtocolError(WIRE_ERROR_CODES.WIRE_BAD_MESSAGE, text) };
}

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);

/** Decodes one frame payload from an app. */
export function decodeAppMessage(payload: string): DecodeResult {
  const cr = payload.indexOf('\r');
  const leader = cr === -1 ? payload : payload.slice(0, cr);
  // SIP part starts after the CRLF that ends the header line.
  const sip = cr === -1 ? '' : payload.slice(payload.startsWith(CRLF, cr) ? cr + 2 : cr + 1);
  const f = leader.split('|');
  const msgId = f[0] ?? '';
  const type = f[1];
  if (msgId === '' || type === undefined) return bad(nonEmpty(msgId), 'missing message id or type');
  switch (type) {
    case 'authenticate': {
      const secret = f[2];
      if (secret === undefined) return bad(msgId, 'authenticate without secret');
      const tags = (f[3] ?? '').split(',').filter((t) => t !== '');
      return { ok: true, message: { kind: 'authenticate', msgId, secret, tags } };
    }
    case 'route':
    case 'remove_route': {
      const verb = f[2];
      if (verb === undefined || verb === '') return bad(msgId, `${type} without verb`);
      return { ok: true, message: { kind: type, msgId, verb: verb.toLowerCase() } };
    }
    case 'ping':
      return { ok: true, message: { kind: 'ping', msgId } };
    case 'sip':
      if (cr === -1) return bad(msgId, 'sip message missing');
      return {
        ok: true,
        message: { kind: 'sip', msgId, transactionId: nonEmpty(f[2]), dialogId: nonEmpty(f[3]), routeUri: nonEmpty(f[4]), sip },
      };
    case 'proxy': {
      const transactionId = f[2];
      if (transactionId === undefined || transactionId === '' || f.length < 10) return bad(msgId, 'proxy: too few fields');
      return {
        ok: true,
        message: {
          kind: 'proxy',
          msgId,
          transactionId,
          remainInDialog: f[3] === 'remainInDialog',
          fullResponse: f[4] === 'fullResponse',
          followRedirects: f[5] === 'followRedirects',
          simultaneous: f[6] === 'simultaneous',
          provisionalTimeout: f[7] ?? '',
          finalTimeout: f[8] ?? '',
          destinations: f.slice(9).filter((d) => d !== ''),
          sip,
        },
      };
    }
    default:
      return { ok: true, message: { kind: 'unknown', msgId, type } };
  }
}

/** Where a SIP message came from or went to, as reported in `sip` frames and replies. */
export type WireMeta = {
  source: 'network' | 'application';
  protocol: string;
  address: string;
  port: number;
  /** Epoch ms; rendered as UTC `HH:MM:SS.uuuuuu`. */
  timeMs: number;
};

/** UTC time of day `HH:MM:SS.uuuuuu`, as the C++ server writes it. */
export function formatWireTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const us = String(d.getUTCMilliseconds() * 1000).padStart(6, '0');
  return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${us}`;
}

/** The SIP message carried by a server frame: the serialized bytes (no re-encoding) or text. */
export type SipPayload = Buffer | string;

/** Server → app messages, encoded from named fields. */
export type ServerMessage =
  | { kind: 'response-ok'; inReplyTo: string; data: readonly string[] }
  | { kind: 'response-fail'; inReplyTo: string; status: 'NO' | 'NOK'; reason: string }
  /** Reply to a request the app sent (new, in-dialog, ACK, CANCEL): §3.6. */
  | { kind: 'response-request-sent'; inReplyTo: string; meta: WireMeta; transactionId: string; sip: SipPayload }
  /** Proxy progress (§6.3): one final response a branch received; `continue` keeps srf's callback. */
  | { kind: 'response-proxy-final'; inReplyTo: string; meta: WireMeta; sip: SipPayload }
  /** Reply to a response the app sent: §3.6. */
  | { kind: 'response-response-sent'; inReplyTo: string; meta: WireMeta; transactionId: string; dialogId: string; sip: SipPayload }
  /** A `sip` frame to the app: §3.5. `receivedOn` only for new out-of-dialog requests. */
  | {
      kind: 'sip';
      meta: WireMeta;
      transactionId: string;
      dialogId: string;
      receivedOn: { address: string; port: number } | undefined;
      sip: SipPayload;
    }
  | { kind: 'cdr:attempt'; source: WireMeta['source']; timeMs: number; sip: SipPayload }
  | { kind: 'cdr:start'; source: WireMeta['source']; timeMs: number; role: string; sip: SipPayload }
  | { kind: 'cdr:stop'; source: WireMeta['source']; timeMs: number; reason: string; sip: SipPayload };

const byteLength = (p: SipPayload): number => (typeof p === 'string' ? Buffer.byteLength(p) : p.length);

function metaFields(meta: WireMeta, bytes: number): string {
  return `${meta.source}|${bytes}|${meta.protocol}|${meta.address}|${meta.port}|${formatWireTime(meta.timeMs)}`;
}

/** The header line of a server message and the SIP message that follows it (after CRLF), if any. */
function serverParts(msgId: string, m: ServerMessage): { head: string; sip: SipPayload | undefined } {
  switch (m.kind) {
    case 'response-ok':
      return { head: `${msgId}|response|${m.inReplyTo}|OK${m.data.length > 0 ? '|' + m.data.join('|') : ''}`, sip: undefined };
    case 'response-fail':
      return { head: `${msgId}|response|${m.inReplyTo}|${m.status}|${m.reason.replace(/[|\r\n]/g, ' ')}`, sip: undefined };
    case 'response-request-sent':
      return { head: `${msgId}|response|${m.inReplyTo}|OK|${metaFields(m.meta, byteLength(m.sip))}|${m.transactionId}|Msg sent:|`, sip: m.sip };
    case 'response-proxy-final':
      return { head: `${msgId}|response|${m.inReplyTo}|OK|${metaFields(m.meta, byteLength(m.sip))}|||continue`, sip: m.sip };
    case 'response-response-sent':
      return { head: `${msgId}|response|${m.inReplyTo}|OK|${metaFields(m.meta, byteLength(m.sip))}|${m.transactionId}|${m.dialogId}||Msg sent:|`, sip: m.sip };
    case 'sip': {
      const recv = m.receivedOn ? `${m.receivedOn.address}|${m.receivedOn.port}|` : '';
      return { head: `${msgId}|sip|${metaFields(m.meta, byteLength(m.sip))}|${m.transactionId}|${m.dialogId}|${recv}`, sip: m.sip };
    }
    case 'cdr:attempt':
      return { head: `${msgId}|cdr:attempt|${m.source}|${formatWireTime(m.timeMs)}`, sip: m.sip };
    case 'cdr:start':
      return { head: `${msgId}|cdr:start|${m.source}|${formatWireTime(m.timeMs)}|${m.role}`, sip: m.sip };
    case 'cdr:stop':
      return { head: `${msgId}|cdr:stop|${m.source}|${formatWireTime(m.timeMs)}|${m.reason}`, sip: m.sip };
    default:
      return assertNever(m, 'server message');
  }
}

/** Encodes a server message into a frame payload (text); `msgId` is the new frame's id. */
export function encodeServerMessage(msgId: string, m: ServerMessage): string {
  const { head, sip } = serverParts(msgId, m);
  if (sip === undefined) return head;
  return `${head}${CRLF}${typeof sip === 'string' ? sip : sip.toString('utf8')}`;
}

/**
 * Encodes a server message as a complete frame (`<bytes>#<payload>`). A Buffer SIP payload is
 * copied once, never decoded and re-encoded (profiling of bench:sip-cps).
 */
export function encodeServerFrame(msgId: string, m: ServerMessage): Buffer {
  const { head, sip } = serverParts(msgId, m);
  const headBytes = Buffer.byteLength(head) + (sip === undefined ? 0 : 2);
  const total = headBytes + (sip === undefined ? 0 : byteLength(sip));
  const prefix = `${total}#`;
  const out = Buffer.allocUnsafe(prefix.length + total);
  let at = out.write(prefix, 0, 'latin1');
  at += out.write(head, at, 'utf8');
  if (sip !== undefined) {
    at += out.write(CRLF, at, 'latin1');
    if (typeof sip === 'string') out.write(sip, at, 'utf8');
    else sip.copy(out, at);
  }
  return out;
}
