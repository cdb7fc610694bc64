// A loopback RTP endpoint for media tests: sends PCMU frames (optionally SRTP-protected) to a
// target at 20 ms pacing and collects what it receives (optionally SRTP-unprotected).
import { createSocket, type Socket } from 'node:dgram';
import { deriveSrtpKeys, protectRtp, unprotectRtp, type SrtpKeys } from './srtp.js';

export type RtpPeer = {
  readonly port: number;
  /** Payloads received (decrypted when `receiveKeys` is set), in arrival order. */
  readonly received: Buffer[];
  /** Packets that failed SRTP authentication. */
  readonly rejected: number;
  setReceiveKey(masterKey: Buffer, masterSalt: Buffer): void;
  /** Sends `count` frames, 20 ms apart, whose payload bytes are all `fill` or are `fill(frame)`. */
  send(target: { host: string; port: number }, count: number, fill: number | ((frame: number) => Buffer), sendKeys?: SrtpKeys): Promise<void>;
  close(): Promise<void>;
};

export async function startRtpPeer(host = '127.0.0.1'): Promise<RtpPeer> {
  const socket: Socket = createSocket('udp4');
  const received: Buffer[] = [];
  let rejected = 0;
  let receiveKeys: SrtpKeys | undefined;
  socket.on('message', (msg) => {
    if (msg.length < 12 || (msg[0] ?? 0) >> 6 !== 2) return;
    const pt = (msg[1] ?? 0) & 0x7f;
    if (pt >= 72 && pt <= 79) return; // RTCP on a muxed port (RFC 5761 §4)
    const packet = receiveKeys ? unprotectRtp(receiveKeys, msg) : msg;
    if (!packet) {
      rejected++;
      return;
    }
    received.push(packet.subarray(12));
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const ssrc = Math.floor(Math.random() * 0xffffffff) >>> 0;
  return {
    port: socket.address().port,
    received,
    get rejected() {
      return rejected;
    },
    setReceiveKey: (masterKey, masterSalt) => {
      receiveKeys = deriveSrtpKeys(masterKey, masterSalt);
    },
    send: async (target, count, fill, sendKeys) => {
      for (let seq = 1; seq <= count; seq++) {
        const header = Buffer.alloc(12);
        header[0] = 0x80;
        header[1] = 0; // PCMU
        header.writeUInt16BE(seq, 2);
        header.writeUInt32BE(seq * 160, 4);
        header.writeUInt32BE(ssrc, 8);
        const rtp = Buffer.concat([header, typeof fill === 'number' ? Buffer.alloc(160, fill) : fill(seq - 1)]);
        socket.send(sendKeys ? protectRtp(sendKeys, rtp) : rtp, target.port, target.host);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** The port of the first m=audio line and the address of the c= line of an SDP body. */
export function sdpAudioTarget(sdp: string): { host: string; port: number } {
  const port = Number(/^m=audio (\d+)/m.exec(sdp)?.[1]);
  const host = /^c=IN IP4 (\S+)/m.exec(sdp)?.[1] ?? '127.0.0.1';
  return { host, port };
}

/** A minimal audio SDP (RFC 4566) offering PCMU on `port`, plain or with one SDES crypto line. */
export function audioSdp(port: number, options: { protocol: 'RTP/AVP' | 'RTP/SAVP'; inline?: string; sessionId?: number } ): string {
  const id = options.sessionId ?? 1000;
  const lines = [
    'v=0',
    `o=- ${id} ${id} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} ${options.protocol} 0`,
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
  ];
  if (options.inline) lines.push(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${options.inline}`);
  return lines.join('\r\n') + '\r\n';
}

/** 20 ms of a `freqHz` tone as PCMU (G.711 µ-law) for frame `frame` of a stream. */
export function pcmuToneFrame(freqHz: number, frame: number): Buffer {
  const out = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) {
    const sample = Math.round(12_000 * Math.sin((2 * Math.PI * freqHz * (frame * 160 + i)) / 8_000));
    const sign = sample < 0 ? 0x80 : 0;
    const magnitude = Math.min(32_635, Math.abs(sample)) + 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    out[i] = ~(sign | (exponent << 4) | ((magnitude >> (exponent + 3)) & 0x0f)) & 0xff;
  }
  return out;
}
