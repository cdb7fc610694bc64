import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { findOnPath } from './binaries.js';
import { LocalChild, waitUntilReady } from './child.js';
import { pingRtpengine } from './rtpengine-ping.js';

export type LocalRtpengineOptions = {
  ngPort: number;
  portMin: number;
  portMax: number;
  logDir: string;
  log: Logger;
  /** Folder for pcap recordings (the recording seam). */
  recordingDir?: string;
  /** Seconds without media before rtpengine closes a call. */
  timeoutSec?: number;
  address?: string;
};

export type LocalRtpengine = { readonly ngPort: number; readonly host: string; stop(): Promise<void> };

/**
 * Starts rtpengine in userspace (no kernel table), in the foreground, with no config file
 * (see shared MEDIA-FACTS §1: without --config-file=none it also opens the stock ports).
 */
export async function startRtpengine(options: LocalRtpengineOptions): Promise<LocalRtpengine> {
  const bin = findOnPath('rtpengine');
  if (!bin) throw new AppError('STACK_MISSING_BINARY', 'rtpengine not found; install the Debian package rtpengine-daemon');
  const host = options.address ?? '127.0.0.1';
  const args = [
    '--config-file=none',
    '--foreground',
    '--log-stderr',
    '--table=-1',
    `--interface=${host}`,
    `--listen-ng=${host}:${options.ngPort}`,
    `--port-min=${options.portMin}`,
    `--port-max=${options.portMax}`,
    `--timeout=${options.timeoutSec ?? 60}`,
    '--delete-delay=0',
  ];
  if (options.recordingDir) {
    const dir = resolve(options.recordingDir);
    mkdirSync(dir, { recursive: true });
    args.push(`--recording-dir=${dir}`, '--recording-method=pcap');
  }
  const logFile = join(options.logDir, 'rtpengine.log');
  const child = new LocalChild({ name: 'rtpengine', command: bin, args, logFile, log: options.log, stopTimeoutMs: 5_000 });
  await waitUntilReady(child, () => pingRtpengine(host, options.ngPort), 15_000, logFile);
  return { ngPort: options.ngPort, host, stop: () => child.stop() };
}
