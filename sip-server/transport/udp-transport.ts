// RFC 3261 §18 over UDP: one socket per contact, used both to receive and to send (so the source port is ours).
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from '#lib/log/index.js';
import type { ConnectionInfo } from './connection.js';
import { SIP_TRANSPORT_ERROR_CODES as E } from './error-codes.js';
import { SipTransportError } from './transport-error.js';
import type { ListeningPoint, Transport } from './types.js';

/** Receives datagrams for the layer above (the TransportLayer parses them). */
export type DatagramSink = (data: Buffer, remoteAddress: string, remotePort: number, transport: UdpTransport) => void;

/** A bound UDP socket. Create with `UdpTransport.bind`. */
export class UdpTransport implements Transport {
  readonly kind = 'udp' as const;
  readonly reliable = false;
  readonly listeningPoint: ListeningPoint;
  readonly #socket: Socket;
  readonly #log: Logger;

  private constructor(socket: Socket, point: ListeningPoint, log: Logger) {
    this.#socket = socket;
    this.listeningPoint = point;
    this.#log = log;
  }

  /** Binds host:port (port 0 = any free port; the bound port is in `listeningPoint.localPort`). */
  static bind(
    host: string,
    port: number,
    externalAddress: string | undefined,
    sink: DatagramSink,
    log: Logger,
    bufferBytes?: number,
  ): Promise<UdpTransport> {
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
      const onError = (err: Error): void => {
        reject(new SipTransportError(E.SIP_TRANSPORT_LISTEN_FAILED, `cannot bind udp ${host}:${port}`, { cause: err }));
      };
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        if (bufferBytes !== undefined) setBufferSizes(socket, bufferBytes, log);
        const addr = socket.address();
        const t = new UdpTransport(socket, { protocol: 'udp', localAddress: addr.address, localPort: addr.port, externalAddress }, log);
        socket.on('message', (msg, rinfo) => sink(msg, rinfo.address, rinfo.port, t));
        socket.on('error', (err) => log.warn({ err, transport: 'udp' }, 'udp socket error'));
        resolve(t);
      });
    });
  }

  sendTo(data: Buffer, host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#socket.send(data, port, host, (err) => {
        if (err) reject(new SipTransportError(E.SIP_TRANSPORT_SEND_FAILED, `udp send to ${host}:${port} failed`, { cause: err }));
        else resolve();
      });
    });
  }

  /** Socket buffer sizes as the kernel reports them (Linux reports twice the granted size). */
  bufferSizes(): { recvBytes: number; sendBytes: number } {
    return { recvBytes: this.#socket.getRecvBufferSize(), sendBytes: this.#socket.getSendBufferSize() };
  }

  owns(_connectionId: string): boolean {
    return false;
  }

  sendOnConnection(connectionId: string, _data: Buffer): Promise<void> {
    return Promise.reject(new SipTransportError(E.SIP_TRANSPORT_NO_CONNECTION, `udp has no connection ${connectionId}`));
  }

  closeConnection(_connectionId: string): void {
    // UDP has no connections.
  }

  connections(): ConnectionInfo[] {
    return [];
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch (err) {
        // Already closed: nothing left to release.
        this.#log.debug({ err }, 'udp socket already closed');
        resolve();
      }
    });
  }
}

/**
 * Asks the kernel for larger socket buffers so bursts are not dropped before we read them
 * (the kernel caps the request at net.core.rmem_max / wmem_max). A refusal is logged, not fatal.
 */
function setBufferSizes(socket: Socket, bytes: number, log: Logger): void {
  try {
    socket.setRecvBufferSize(bytes);
    socket.setSendBufferSize(bytes);
  } catch (err) {
    log.warn({ err, bytes }, 'could not set udp socket buffer sizes');
  }
}
