// RFC 3264 §8: an updated offer within a dialog keeps the origin line (o=) of the previous SDP sent
// in that dialog, with the version incremented by one (RFC 4566 §5.2). After a transfer the SDP
// for the other party comes from another party's origin, so it is put back on the dialog's own.

/** `next` with the o= line of `previous` and its version + 1; `next` unchanged when either has no o= line. */
export function continueOrigin(previous: string, next: string): string {
  const prev = /^o=(\S+) (\S+) (\d+) (.*)$/m.exec(previous);
  if (!prev || !/^o=/m.test(next)) return next;
  const [, username, sessionId, version, rest] = prev;
  const bumped = (BigInt(version ?? '0') + 1n).toString();
  return next.replace(/^o=[^\r\n]*/m, `o=${username ?? '-'} ${sessionId ?? '0'} ${bumped} ${(rest ?? '').replace(/\r$/, '')}`);
}
