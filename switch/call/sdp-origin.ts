// RFC 3264 §8: every SDP the switch sends within a dialog keeps the origin line (o=) of the first
// one it sent there, with the version incremented each time (RFC 4566 §5.2). rtpengine passes the
// far party's origin through, which changes when that party does (a transfer), so the B2BUA puts
// each leg's own origin back on.

/** `next` with the o= line of `previous` and its version + 1; `next` unchanged when either has no o= line. */
export function continueOrigin(previous: string, next: string): string {
  const prev = /^o=(\S+) (\S+) (\d+) (.*)$/m.exec(previous);
  if (!prev || !/^o=/m.test(next)) return next;
  const [, username, sessionId, version, rest] = prev;
  const bumped = (BigInt(version ?? '0') + 1n).toString();
  return next.replace(/^o=[^\r\n]*/m, `o=${username ?? '-'} ${sessionId ?? '0'} ${bumped} ${(rest ?? '').replace(/\r$/, '')}`);
}
