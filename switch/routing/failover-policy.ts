// When an outbound attempt on one gateway fails, may the call try the next gateway?
// Failover on 408 Request Timeout, 5xx, 6xx other than 600 and 603, and when the gateway does
// not answer at all; never on 486 Busy Here, 600 Busy Everywhere or 603 Decline (the callee
// answered: trying elsewhere would ring them again), nor on any other 4xx, which is about the
// request or the callee and would fail the same way on every gateway (RFC 3261 §21.4).

/** How an attempt on one gateway ended, short of success. */
export type AttemptFailure = { kind: 'status'; status: number } | { kind: 'timeout' } | { kind: 'transport_error' };

export function shouldFailover(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'timeout':
    case 'transport_error':
      return true;
    case 'status': {
      const s = failure.status;
      if (s === 408) return true;
      if (s >= 500 && s < 600) return true;
      if (s >= 600 && s < 700) return s !== 600 && s !== 603;
      return false;
    }
  }
}
