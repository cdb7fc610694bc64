/**
 * Error codes of the SIP message layer (parser, URI parser, stream framer).
 * Listed in docs/sip-server.md (## message); a test fails when the two lists differ.
 */
export const SIP_MESSAGE_ERROR_CODES = {
  /** Input empty or only whitespace. */
  SIP_PARSE_EMPTY: 'SIP_PARSE_EMPTY',
  /** Input larger than `maxMessageBytes`. */
  SIP_PARSE_TOO_LARGE: 'SIP_PARSE_TOO_LARGE',
  /** More header lines than `maxHeaders`. */
  SIP_PARSE_TOO_MANY_HEADERS: 'SIP_PARSE_TOO_MANY_HEADERS',
  /** No empty line (CRLF CRLF) ends the header section. */
  SIP_PARSE_NO_HEADER_END: 'SIP_PARSE_NO_HEADER_END',
  /** Request-Line or Status-Line does not follow RFC 3261 §7.1 / §7.2. */
  SIP_PARSE_BAD_START_LINE: 'SIP_PARSE_BAD_START_LINE',
  /** SIP-Version other than SIP/2.0 (answer 505, RFC 3261 §8.2.2). */
  SIP_PARSE_BAD_VERSION: 'SIP_PARSE_BAD_VERSION',
  /** Status-Code outside 100..699. */
  SIP_PARSE_BAD_STATUS: 'SIP_PARSE_BAD_STATUS',
  /** Request-URI malformed or carrying forbidden parts (RFC 3261 §19.1.1). */
  SIP_PARSE_BAD_REQUEST_URI: 'SIP_PARSE_BAD_REQUEST_URI',
  /** A header line is not `name: value`. */
  SIP_PARSE_BAD_HEADER: 'SIP_PARSE_BAD_HEADER',
  /** A header the parser checks (Via, From, To, CSeq, Contact, ...) has a malformed value. */
  SIP_PARSE_BAD_HEADER_VALUE: 'SIP_PARSE_BAD_HEADER_VALUE',
  /** A mandatory header (RFC 3261 §8.1.1) is missing. */
  SIP_PARSE_MISSING_HEADER: 'SIP_PARSE_MISSING_HEADER',
  /** A single-value header appears more than once. */
  SIP_PARSE_DUPLICATE_HEADER: 'SIP_PARSE_DUPLICATE_HEADER',
  /** CSeq method differs from the request method (RFC 3261 §8.1.1.5). */
  SIP_PARSE_CSEQ_MISMATCH: 'SIP_PARSE_CSEQ_MISMATCH',
  /** Content-Length is not a valid non-negative integer. */
  SIP_PARSE_BAD_CONTENT_LENGTH: 'SIP_PARSE_BAD_CONTENT_LENGTH',
  /** Content-Length announces more bytes than were received (RFC 3261 §18.3). */
  SIP_PARSE_BODY_TRUNCATED: 'SIP_PARSE_BODY_TRUNCATED',
  /** parseUri: the text is not a valid URI. */
  SIP_PARSE_BAD_URI: 'SIP_PARSE_BAD_URI',
  /** Stream framer: a message or header section exceeds the size limit. */
  SIP_FRAME_TOO_LARGE: 'SIP_FRAME_TOO_LARGE',
  /** Stream framer: Content-Length missing or malformed, the stream cannot be framed. */
  SIP_FRAME_BAD_CONTENT_LENGTH: 'SIP_FRAME_BAD_CONTENT_LENGTH',
} as const;

export type SipMessageErrorCode = (typeof SIP_MESSAGE_ERROR_CODES)[keyof typeof SIP_MESSAGE_ERROR_CODES];
