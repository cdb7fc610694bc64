// Caps on inbound connections (issue 8 hardening): every accepted TCP/TLS/WS/WSS socket asks the
// SourcePolicy for a slot before any byte of it is read, and gives the slot back when it closes.
import type { Socket } from 'node:net';
import type { ConnectionAdmission, SourcePolicy, TransportKind } from './types.js';

/** Connection-admission settings shared by every connection-oriented transport of a layer. */
export type InboundAdmission = {
  policy: SourcePolicy | undefined;
  /** Called for every refused connection (counted by the layer). */
  onRefused(kind: TransportKind, remoteAddress: string, verdict: Exclude<ConnectionAdmission, 'accept'>): void;
};

/**
 * Admits a freshly accepted socket (a raw TCP socket, before any TLS or HTTP handshake), or
 * destroys it at once. Returns true when admitted.
 */
export function admitSocket(socket: Socket, kind: TransportKind, admission: InboundAdmission): boolean {
  const policy = admission.policy;
  if (policy === undefined) return true;
  const address = socket.remoteAddress ?? '';
  const verdict = policy.admitConnection(address);
  if (verdict !== 'accept') {
    socket.destroy();
    admission.onRefused(kind, address, verdict);
    return false;
  }
  socket.once('close', () => policy.connectionClosed(address));
  return true;
}
