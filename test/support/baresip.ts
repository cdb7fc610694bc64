// Runs baresip (Debian baresip-core) headless as a real SRTP softphone for media tests, following
// shared MEDIA-FACTS §7: aufile as the microphone, a null speaker, sndfile dumping what it
// decoded, one account whose outbound proxy is our SIP server.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#lib/local-stack/index.js';
import { writeToneWav } from './wav.js';

export type BaresipCallOptions = {
  user: string;
  realm: string;
  password: string;
  /** host:port of the SIP server (outbound proxy). */
  proxy: string;
  /** URI to dial. */
  dial: string;
  /** Seconds after start at which baresip hangs up and quits. */
  seconds: number;
  toneHz: number;
  /** `none` offers plain RTP/AVP (peers like sipp that do not do SRTP). */
  mediaenc?: 'srtp-mand' | 'srtp' | 'dtls_srtp' | 'none';
  /** SIP transport towards the proxy (default udp). */
  transport?: 'udp' | 'tls';
  /** PEM file of the CA baresip trusts for TLS (our self-signed certificate). */
  caFile?: string;
};

export type BaresipRun = {
  /** Resolves when baresip has quit, with its output and the WAV of what it heard. */
  done: Promise<{ exitCode: number | null; output: string; decodedWav: string | undefined }>;
};

export async function startBaresipCall(o: BaresipCallOptions): Promise<BaresipRun> {
  const dir = mkdtempSync(join(tmpdir(), 'baresip-'));
  const dumps = join(dir, 'dumps');
  mkdirSync(dumps);
  const tone = join(dir, 'tone.wav');
  writeToneWav(tone, o.toneHz, o.seconds + 5);
  // baresip also binds TLS on the SIP port + 1 (MEDIA-FACTS §7); a port from bind(0) is
  // usually odd on Linux and its neighbour free.
  const sipPort = await freePort();
  const rtpBase = 41_000 + Math.floor(Math.random() * 900) * 10;
  writeFileSync(
    join(dir, 'config'),
    [
      `sip_listen 127.0.0.1:${sipPort}`,
      `rtp_ports ${rtpBase}-${rtpBase + 9}`,
      `audio_source aufile,${tone}`,
      'audio_player aubridge,sink',
      'audio_alert aubridge,alert',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      'module srtp.so',
      'module dtls_srtp.so',
      'module sndfile.so',
      'module_tmp account.so',
      'module_app menu.so',
      `snd_path ${dumps}`,
      ...(o.caFile === undefined ? [] : [`sip_cafile ${o.caFile}`]),
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'accounts'),
    accountLine(o),
  );
  writeFileSync(join(dir, 'contacts'), '');
  const child = spawn('baresip', ['-f', dir, '-t', String(o.seconds), '-e', `/dial ${o.dial}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const killer = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 15) * 1000);
  const done = new Promise<{ exitCode: number | null; output: string; decodedWav: string | undefined }>((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(killer);
      const dec = readdirSync(dumps).find((f) => f.endsWith('-dec.wav'));
      resolve({ exitCode: code, output, decodedWav: dec ? join(dumps, dec) : undefined });
    });
  });
  return { done };
}

/** One baresip account line: outbound proxy over the chosen transport, media encryption unless `none`. */
function accountLine(o: BaresipCallOptions): string {
  const tls = o.transport === 'tls' ? ';transport=tls' : '';
  const mediaenc = o.mediaenc ?? 'srtp-mand';
  return `<sip:${o.user}@${o.realm}${tls}>;auth_pass=${o.password};outbound="sip:${o.proxy}${tls}";regint=0;audio_codecs=PCMU;answermode=manual${mediaenc === 'none' ? '' : `;mediaenc=${mediaenc}`}\n`;
}

export type BaresipAnswerOptions = {
  /** User part it answers for (any call reaching it is answered). */
  user: string;
  /** PEM file holding its certificate and key (baresip's `sip_certificate`), for its TLS listener. */
  certFile: string;
  /** Seconds after start at which it hangs up (if still in a call) and quits. */
  seconds: number;
};

export type BaresipAnswerRun = BaresipRun & {
  /** Its TLS listener (baresip binds TLS on the SIP port + 1). */
  tlsPort: number;
};

/** A baresip that auto-answers calls over plain RTP; listening on UDP/TCP and, with `certFile`, TLS. */
export async function startBaresipAnswer(o: BaresipAnswerOptions): Promise<BaresipAnswerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'baresip-uas-'));
  const tone = join(dir, 'tone.wav');
  writeToneWav(tone, 1000, o.seconds + 5);
  const sipPort = await freePort();
  const rtpBase = 41_000 + Math.floor(Math.random() * 900) * 10;
  writeFileSync(
    join(dir, 'config'),
    [
      `sip_listen 127.0.0.1:${sipPort}`,
      `sip_certificate ${o.certFile}`,
      `rtp_ports ${rtpBase}-${rtpBase + 9}`,
      `audio_source aufile,${tone}`,
      'audio_player aubridge,sink',
      'audio_alert aubridge,alert',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      'module_tmp account.so',
      'module_app menu.so',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'accounts'), `<sip:${o.user}@127.0.0.1>;regint=0;audio_codecs=PCMU;answermode=auto\n`);
  writeFileSync(join(dir, 'contacts'), '');
  const child = spawn('baresip', ['-f', dir, '-t', String(o.seconds)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const killer = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 15) * 1000);
  const done = new Promise<{ exitCode: number | null; output: string; decodedWav: string | undefined }>((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ exitCode: code, output, decodedWav: undefined });
    });
  });
  // Ready once it reports so (bounded by the caller's test timeout).
  for (let i = 0; i < 100 && !output.includes('baresip is ready'); i++) await new Promise((r) => setTimeout(r, 50));
  return { done, tlsPort: sipPort + 1 };
}
