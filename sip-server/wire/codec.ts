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

/** Server → app messages, encoded from named fields. */
export type ServerMessage =
  | { kind: 'response-ok'; inReplyTo: string; data: readonly string[] }
  | { kind: 'response-fail'; inReplyTo: string; status: 'NO' | 'NOK'; reason: string }
  /** Reply to a request the app sent (new, in-dialog, ACK, CANCEL): §3.6. */
  | { kind: 'response-request-sent'; inReplyTo: string; meta: WireMeta; transactionId: string; sip: string }
  /** Reply to a response the app sent: §3.6. */
  | { kind: 'response-response-sent'; inReplyTo: string; meta: WireMeta; transactionId: string; dialogId: string; sip: string }
  /** A `sip` frame to the app: §3.5. `receivedOn` only for new out-of-dialog requests. */
  | {
      kind: 'sip';
      meta: WireMeta;
      transactionId: string;
      dialogId: string;
      receivedOn: { address: string; port: number } | undefined;
      sip: string;
    }
  | { kind: 'cdr:attempt'; source: WireMeta['source']; timeMs: number; sip: string }
  | { kind: 'cdr:start'; source: WireMeta['source']; timeMs: number; role: string; sip: string }
  | { kind: 'cdr:stop'; source: WireMeta['source']; timeMs: number; reason: string; sip: string };

function metaFields(meta: WireMeta, bytes: number): string {
  return `${meta.source}|${bytes}|${meta.protocol}|${meta.address}|${meta.port}|${formatWireTime(meta.timeMs)}`;
}

/** Encodes a server message into a frame payload; `msgId` is the new frame's id. */
export function encodeServerMessage(msgId: string, m: ServerMessage): string {
  switch (m.kind) {
    case 'response-ok':
      return `${msgId}|response|${m.inReplyTo}|OK${m.data.length > 0 ? '|' + m.data.join('|') : ''}`;
    case 'response-fail':
      return `${msgId}|response|${m.inReplyTo}|${m.status}|${m.reason.replace(/[|\r\n]/g, ' ')}`;
    case 'response-request-sent':
      return `${msgId}|response|${m.inReplyTo}|OK|${metaFields(m.meta, Buffer.byteLength(m.sip))}|${m.transactionId}|Msg sent:|${CRLF}${m.sip}`;
    case 'response-response-sent':
      return `${msgId}|response|${m.inReplyTo}|OK|${metaFields(m.meta, Buffer.byteLength(m.sip))}|${m.transactionId}|${m.dialogId}||Msg sent:|${CRLF}${m.sip}`;
    case 'sip': {
      const recv = m.receivedOn ? `${m.receivedOn.address}|${m.receivedOn.port}|` : '';
      return `${msgId}|sip|${metaFields(m.meta, Buffer.byteLength(m.sip))}|${m.transactionId}|${m.dialogId}|${recv}${CRLF}${m.sip}`;
    }
    case 'cdr:attempt':
      return `${msgId}|cdr:attempt|${m.source}|${formatWireTime(m.timeMs)}${CRLF}${m.sip}`;
    case 'cdr:start':
      return `${msgId}|cdr:start|${m.source}|${formatWireTime(m.timeMs)}|${m.role}${CRLF}${m.sip}`;
    case 'cdr:stop':
      return `${msgId}|cdr:stop|${m.source}|${formatWireTime(m.timeMs)}|${m.reason}${CRLF}${m.sip}`;
    default:
      return assertNever(m, 'server message');
  }
}
