// RFC 3261 §7.1 (Request-Line), §7.2 (Status-Line), §19.1.1 (Request-URI without URI headers).
import { SIP_MESSAGE_ERROR_CODES as E } from './error-codes.js';
import type { SipHeaders } from './headers.js';
import { Failure, type State } from './parse-failure.js';
import { isToken } from './syntax.js';
import type { SipMessage } from './types.js';
import { checkUri } from './uri.js';

const SIP_VERSION_RE = /^SIP\/\d+\.\d+$/i;
const EMPTY = Buffer.alloc(0);

/** Parses the start line into an empty-bodied message that will own `headers`. */
export function parseStartLine(startLine: string, headers: SipHeaders, st: State): SipMessage | Failure {
  let message: SipMessage;
  if (startLine.startsWith('SIP/')) {
    st.kind = 'response';
    const sp1 = startLine.indexOf(' ');
    if (sp1 === -1) return new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Status-Line');
    const version = startLine.slice(0, sp1);
    if (version !== 'SIP/2.0' && version.toUpperCase() !== 'SIP/2.0') {
      return SIP_VERSION_RE.test(version)
        ? new Failure(E.SIP_PARSE_BAD_VERSION, 'Version Not Supported', 505)
        : new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Status-Line');
    }
    let sp2 = startLine.indexOf(' ', sp1 + 1);
    if (sp2 === -1) sp2 = startLine.length;
    const code = startLine.slice(sp1 + 1, sp2);
    if (code.length !== 3 || !/^[1-6]\d\d$/.test(code)) return new Failure(E.SIP_PARSE_BAD_STATUS, 'Bad Status-Code');
    const reason = startLine.slice(sp2 + 1);
    for (let i = 0; i < reason.length; i++) {
      const c = reason.charCodeAt(i);
      if ((c < 32 && c !== 9) || c === 127) return new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Reason-Phrase');
    }
    message = { kind: 'response', status: Number(code), reason, headers, body: EMPTY };
  } else {
    st.kind = 'request';
    const sp1 = startLine.indexOf(' ');
    const method = sp1 > 0 ? startLine.slice(0, sp1) : '';
    // Known before the rest is checked, so that a 400 can still name the method.
    const methodOk = isToken(method);
    if (methodOk) st.method = method;
    const sp2 = sp1 === -1 ? -1 : startLine.indexOf(' ', sp1 + 1);
    if (sp2 === -1 || startLine.indexOf(' ', sp2 + 1) !== -1 || !methodOk) return new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Request-Line');
    const uri = startLine.slice(sp1 + 1, sp2);
    const version = startLine.slice(sp2 + 1);
    if (version !== 'SIP/2.0' && version.toUpperCase() !== 'SIP/2.0') {
      return SIP_VERSION_RE.test(version)
        ? new Failure(E.SIP_PARSE_BAD_VERSION, 'Version Not Supported', 505)
        : new Failure(E.SIP_PARSE_BAD_START_LINE, 'Malformed Request-Line');
    }
    // RFC 3261 §19.1.1: URI headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11). Checked
    // only: parseRequestUri() builds the parts for whoever needs them.
    if (checkUri(uri, false) !== undefined) return new Failure(E.SIP_PARSE_BAD_REQUEST_URI, 'Bad Request-URI');
    st.uri = uri;
    message = { kind: 'request', method, uri, headers, body: EMPTY };
  }

  return message;
}
