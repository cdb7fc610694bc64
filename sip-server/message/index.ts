// Public API of the SIP message layer (Buffer <-> SipMessage). Other folders import only from here.
export { SIP_MESSAGE_ERROR_CODES } from './error-codes.js';
export type { SipMessageErrorCode } from './error-codes.js';
export { SipParseError } from './sip-parse-error.js';
export type { SipParsePartial } from './sip-parse-error.js';
export type { SipRequest, SipResponse, SipMessage, NameAddr, Via, CSeq, ContactList } from './types.js';
export type { Params } from './syntax.js';
export { SipHeaders } from './headers.js';
export { COMPACT_FORMS, normalizeHeaderName, isListHeader } from './header-names.js';
export { parseMessage, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_HEADERS } from './parse.js';
export type { ParseOptions, ParseResult } from './parse.js';
export { serializeMessage } from './serialize.js';
export { parseUri, formatUri, makeSipUri } from './uri.js';
export type { SipUri, UriResult } from './uri.js';
export {
  parseNameAddr,
  parseNameAddrList,
  formatNameAddr,
  parseViaValue,
  parseViaList,
  formatVia,
  parseCSeq,
  MAX_CSEQ,
} from './header-values.js';
export type { ValueResult } from './header-values.js';
export {
  getVias,
  getTopVia,
  getCSeq,
  getFrom,
  getTo,
  getFromTag,
  getToTag,
  getCallId,
  getContacts,
  getContactExpires,
  getExpires,
  getRoutes,
  getRecordRoutes,
  getMaxForwards,
  getContentLength,
  getContentType,
  parseRequestUri,
  replaceTopVia,
  setToTag,
} from './accessors.js';
export { createResponse, createErrorResponse, REASON_PHRASES } from './response.js';
export type { CreateResponseOptions } from './response.js';
export { SipStreamFramer } from './stream-framer.js';
export type { FramerEvent, FramerOptions } from './stream-framer.js';
