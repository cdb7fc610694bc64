// AES_CM_128_HMAC_SHA1_80 SRTP (RFC 3711) for test peers: key derivation (§4.3), AES counter mode
// (§4.1.1) and the 80-bit HMAC-SHA1 tag (§4.2). Rollover counter fixed at 0: test streams are short.
import { createCipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type SrtpKeys = { cipherKey: Buffer; cipherSalt: Buffer; authKey: Buffer };

const TAG_BYTES = 10;

/** RFC 3711 §4.3.1 with key derivation rate 0: AES-CM keystream at IV = (salt XOR label<<48) || 0x0000. */
export function deriveSrtpKeys(masterKey: Buffer, masterSalt: Buffer): SrtpKeys {
  const derive = (label: number, length: number): Buffer => {
    const iv = Buffer.alloc(16);
    masterSalt.copy(iv, 0, 0, 14);
    iv[7] = (iv[7] ?? 0) ^ label;
    const cipher = createCipheriv('aes-128-ctr', masterKey, iv);
    return cipher.update(Buffer.alloc(length));
  };
  return { cipherKey: derive(0, 16), authKey: derive(1, 20), cipherSalt: derive(2, 14) };
}

/** A fresh master key and salt, and the `inline:` value for an SDES a=crypto line (RFC 4568 §6.1). */
export function newSdesKey(): { masterKey: Buffer; masterSalt: Buffer; inline: string } {
  const masterKey = randomBytes(16);
  const masterSalt = randomBytes(14);
  return { masterKey, masterSalt, inline: Buffer.concat([masterKey, masterSalt]).toString('base64') };
}

/** Master key and salt from an `inline:` value (padded or not, with optional |lifetime|MKI). */
export function parseInline(inline: string): { masterKey: Buffer; masterSalt: Buffer } {
  const raw = Buffer.from(inline.split('|')[0] ?? '', 'base64');
  return { masterKey: raw.subarray(0, 16), masterSalt: raw.subarray(16, 30) };
}

function packetIv(keys: SrtpKeys, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(16);
  keys.cipherSalt.copy(iv, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  // 48-bit packet index (ROC 0 → just the sequence number) at bytes 8..13.
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ (index & 0xffff), 12);
  return iv;
}

function rtpHeaderLength(packet: Buffer): number {
  const cc = (packet[0] ?? 0) & 0x0f;
  let len = 12 + 4 * cc;
  if (((packet[0] ?? 0) & 0x10) !== 0) len += 4 + 4 * packet.readUInt16BE(len + 2);
  return len;
}

function authTag(keys: SrtpKeys, authenticated: Buffer): Buffer {
  return createHmac('sha1', keys.authKey).update(authenticated).update(Buffer.alloc(4)).digest().subarray(0, TAG_BYTES);
}

/** Encrypts and authenticates one RTP packet (RFC 3711 §3.3). */
export function protectRtp(keys: SrtpKeys, packet: Buffer): Buffer {
  const hdr = rtpHeaderLength(packet);
  const ssrc = packet.readUInt32BE(8);
  const seq = packet.readUInt16BE(2);
  const cipher = createCipheriv('aes-128-ctr', keys.cipherKey, packetIv(keys, ssrc, seq));
  const body = Buffer.concat([packet.subarray(0, hdr), cipher.update(packet.subarray(hdr))]);
  return Buffer.concat([body, authTag(keys, body)]);
}

/** Verifies and decrypts one SRTP packet; undefined when the tag does not match. */
export function unprotectRtp(keys: SrtpKeys, packet: Buffer): Buffer | undefined {
  if (packet.length < 12 + TAG_BYTES) return undefined;
  const body = packet.subarray(0, packet.length - TAG_BYTES);
  const tag = packet.subarray(packet.length - TAG_BYTES);
  if (!timingSafeEqual(tag, authTag(keys, body))) return undefined;
  const hdr = rtpHeaderLength(body);
  const cipher = createCipheriv('aes-128-ctr', keys.cipherKey, packetIv(keys, body.readUInt32BE(8), body.readUInt16BE(2)));
  return Buffer.concat([body.subarray(0, hdr), cipher.update(body.subarray(hdr))]);
}
