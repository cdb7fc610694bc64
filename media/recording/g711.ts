// G.711 decoding (ITU-T G.711): µ-law (PCMU, payload type 0) and A-law (PCMA, 8) to 16-bit PCM.

/** One µ-law byte to a 16-bit sample. */
export function ulawToPcm(u: number): number {
  const v = ~u & 0xff;
  const sign = v & 0x80;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return sign ? -magnitude : magnitude;
}

/** One A-law byte to a 16-bit sample. */
export function alawToPcm(a: number): number {
  const v = a ^ 0x55;
  const sign = v & 0x80;
  const exponent = (v >> 4) & 0x07;
  const mantissa = v & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return sign ? magnitude : -magnitude;
}

/** Decodes a G.711 payload of payload type 0 (µ-law) or 8 (A-law); other types give undefined. */
export function decodeG711(payloadType: number, payload: Buffer): Int16Array | undefined {
  const decode = payloadType === 0 ? ulawToPcm : payloadType === 8 ? alawToPcm : undefined;
  if (!decode) return undefined;
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = decode(payload[i] ?? 0xff);
  return out;
}
