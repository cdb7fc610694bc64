// After a recorded call ends: rtpengine's pcap becomes a stereo WAV, encrypted into the recording
// store, with a row in `recordings` that expires with the workspace's retention period (30 days at
// most) or, for a diagnostic recording, when the staff troubleshooting window closes. The pcap and
// rtpengine's metadata file (which holds the SDES keys of the call) are deleted on every path,
// recorded or not, so nothing stays in the spool.
import { readdir, readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from '#lib/clock/index.js';
import type { Pool } from '#lib/db/index.js';
import type { Logger } from '#lib/log/index.js';
import { readPcapRtp, streamsToStereoWav, type EncryptedRecordingStore } from '#media/index.js';

export type FinalizeArgs = {
  callId: string;
  tenantId: string;
  startedAtMs: number;
  /** False for calls that were never answered: only the spool is cleaned. */
  answered: boolean;
  /** When the recording is deleted: the client's retention after the call, or the diagnostic window's end. */
  expiresAtMs: number;
  kind: 'client' | 'diagnostic';
  /** The staff flag that recorded a diagnostic recording (closing the window early moves its expiry). */
  diagnosticFlagId: string | null;
};

const WAIT_STEPS = 50;
const WAIT_STEP_MS = 100;

export class RecordingFinalizer {
  readonly #spoolDir: string;
  readonly #store: EncryptedRecordingStore;
  readonly #pool: Pool;
  readonly #log: Logger;
  readonly #clock: Clock;

  constructor(options: { spoolDir: string; store: EncryptedRecordingStore; pool: Pool; log: Logger; clock: Clock }) {
    this.#spoolDir = options.spoolDir;
    this.#store = options.store;
    this.#pool = options.pool;
    this.#log = options.log;
    this.#clock = options.clock;
  }

  /** Converts, stores and records the call's recording; returns whether one was stored. */
  async finalize(args: FinalizeArgs): Promise<boolean> {
    const prefix = `${encodeURIComponent(args.callId)}-`;
    // rtpengine finishes the pcap after answering `delete` and then moves the call's metadata file
    // from tmp/ to metadata/: wait for that move (bounded) before reading.
    for (let i = 0; i < WAIT_STEPS && (await this.#files('metadata', `rtpengine-meta-${prefix}`)).length === 0; i++) {
      await new Promise<void>((r) => this.#clock.setTimer(WAIT_STEP_MS, r));
    }
    const pcaps = await this.#files('pcaps', prefix);
    try {
      if (!args.answered || pcaps.length === 0) return false;
      const streams = (await Promise.all(pcaps.map(async (f) => readPcapRtp(await readFile(f))))).flat();
      const { wav, durationSec } = streamsToStereoWav(streams);
      if (durationSec === 0) return false;
      const day = new Date(args.startedAtMs).toISOString().slice(0, 10).replaceAll('-', '/');
      const storageKey = `${args.tenantId}/${day}/${createHash('sha256').update(args.callId).digest('hex').slice(0, 32)}.wav`;
      await this.#store.put(storageKey, wav);
      await this.#pool.query(
        `INSERT INTO recordings (tenant_id, call_id, kind, started_at, duration_ms, storage_key, bytes, expires_at, diagnostic_flag_id)
         VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), $5, $6, $7, to_timestamp($8 / 1000.0), $9)
         ON CONFLICT (call_id) DO NOTHING`,
        [args.tenantId, args.callId, args.kind, args.startedAtMs, Math.round(durationSec * 1000), storageKey, wav.length, args.expiresAtMs, args.diagnosticFlagId],
      );
      this.#log.info({ callId: args.callId, durationSec: Math.round(durationSec) }, 'call recording stored');
      return true;
    } finally {
      const metadata = [...(await this.#files('metadata', `rtpengine-meta-${prefix}`)), ...(await this.#files('tmp', `rtpengine-meta-${prefix}`))];
      await Promise.all([...pcaps, ...metadata].map((f) => rm(f, { force: true })));
    }
  }

  async #files(sub: string, prefix: string): Promise<string[]> {
    try {
      return (await readdir(join(this.#spoolDir, sub))).filter((f) => f.startsWith(prefix)).map((f) => join(this.#spoolDir, sub, f));
    } catch {
      return []; // the spool folder does not exist yet: nothing was recorded
    }
  }
}
