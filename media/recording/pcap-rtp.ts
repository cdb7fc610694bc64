// Reads the pcap files rtpengine writes with --recording-method=pcap (shared MEDIA-FACTS §5):
// libpcap format, link type Raw IP (101) or Ethernet (1), one file per call holding what rtpengine
// received from each peer (RTP and RTCP, SRTP already decrypted). Returns the RTP packets per
// stream (source address:port → destination port), in file order.

export type RtpPacket = { payloadType: number; sequence: number; timestamp: number; ssrc: number; payload: Buffer };
export type RtpStream = { source: string; destinationPort: number; packets: RtpPacket[] };

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;

/** Parses a whole pcap file; throws on a file that is not pcap. */
export function readPcapRtp(file: Buffer): RtpStream[] {
  if (file.length < 24) throw new Error('not a pcap file: too short');
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('not a pcap file: bad magic');
  const u32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  const linkType = u32(20);
  if (linkType !== LINKTYPE_RAW && linkType !== LINKTYPE_ETHERNET) throw new Error(`unsupported pcap link type ${linkType}`);
  const streams = new Map<string, RtpStream>();
  let offset = 24;
  while (offset + 16 <= file.length) {
    const captured = u32(offset + 8);
    const start = offset + 16;
    offset = start + captured;
    if (offset > file.length) break; // truncated last record
    let ip = start;
    if (linkType === LINKTYPE_ETHERNET) ip += 14;
    if (((file[ip] ?? 0) >> 4) !== 4 || file[ip + 9] !== 17) continue; // IPv4 UDP only
    const ihl = ((file[ip] ?? 0) & 0x0f) * 4;
    const udp = ip + ihl;
    const srcPort = file.readUInt16BE(udp);
    const dstPort = file.readUInt16BE(udp + 2);
    const udpLen = file.readUInt16BE(udp + 4);
    const rtp = file.subarray(udp + 8, Math.min(udp + udpLen, offset));
    if (rtp.length < 12 || (rtp[0] ?? 0) >> 6 !== 2) continue;
    const payloadType = (rtp[1] ?? 0) & 0x7f;
    if (payloadType >= 72 && payloadType <= 79) continue; // RTCP (RFC 5761 §4)
    const cc = (rtp[0] ?? 0) & 0x0f;
    let headerLen = 12 + 4 * cc;
    if (((rtp[0] ?? 0) & 0x10) !== 0 && rtp.length >= headerLen + 4) headerLen += 4 + 4 * rtp.readUInt16BE(headerLen + 2);
    const padded = ((rtp[0] ?? 0) & 0x20) !== 0;
    const end = padded ? rtp.length - (rtp[rtp.length - 1] ?? 0) : rtp.length;
    const src = `${file[ip + 12]}.${file[ip + 13]}.${file[ip + 14]}.${file[ip + 15]}:${srcPort}`;
    const key = `${src}>${dstPort}`;
    let stream = streams.get(key);
    if (!stream) {
      stream = { source: src, destinationPort: dstPort, packets: [] };
      streams.set(key, stream);
    }
    stream.packets.push({ payloadType, sequence: rtp.readUInt16BE(2), timestamp: rtp.readUInt32BE(4), ssrc: rtp.readUInt32BE(8), payload: rtp.subarray(headerLen, end) });
  }
  return [...streams.values()];
}
