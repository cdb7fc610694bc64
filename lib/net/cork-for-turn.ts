// Batches a stream socket's writes per event-loop turn: the first write of a turn corks the socket and
// a setImmediate (after the poll phase, so every datagram and frame of the turn is in) uncorks it, so
// a turn's writes leave in one syscall (and over TLS in fewer records). Write callbacks still run, after
// the flush or with the error when the socket is destroyed meanwhile. Used by the sip-server's stream
// transports and by the switch's drachtio connection.
import type { Socket } from 'node:net';

export type CorkableSocket = Pick<Socket, 'cork' | 'uncork' | 'writableCorked'>;

/** Corks `socket` until the end of this event-loop turn, unless it is corked already. */
export function corkForThisTurn(socket: CorkableSocket): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  setImmediate(() => {
    if (socket.writableCorked > 0) socket.uncork();
  });
}
