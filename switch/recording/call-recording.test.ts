import { describe, expect, it } from 'vitest';
import { createLogger } from '#lib/log/index.js';
import type { MediaSession } from '#media/index.js';
import { CallRecording } from './call-recording.js';
import type { DiagnosticFlagReader } from './diagnostic-flags.js';
import type { FinalizeArgs, RecordingFinalizer } from './recording-finalizer.js';
import type { DiagnosticFlag } from './recording-rule.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 1, 10);
const log = createLogger({ service: 't', level: 'silent' });

function harness(flags: DiagnosticFlag[] = []) {
  const ng: string[] = [];
  const stored: FinalizeArgs[] = [];
  const media = { startRecording: () => Promise.resolve(void ng.push('start')), stopRecording: () => Promise.resolve(void ng.push('stop')) } as unknown as MediaSession;
  const finalizer = { finalize: (a: FinalizeArgs) => Promise.resolve(stored.push(a) > 0) } as unknown as RecordingFinalizer;
  const reader: DiagnosticFlagReader = { forTenant: () => Promise.resolve(flags) };
  const rec = new CallRecording({ finalizer, flags: reader, log });
  const decide = (clientWanted: boolean) => rec.decide({ tenantId: 't1', clientWanted, retentionDays: 10, startedAtMs: T, numbers: ['+442079460001'] });
  return { rec, media, ng, stored, decide };
}
const windowFlag: DiagnosticFlag = { flagId: 'f1', numberE164: '+442079460001', startsAtMs: T - DAY, endsAtMs: T + 6 * DAY };

describe('the recording of one call', () => {
  it('records nothing and stores nothing when no rule says so', async () => {
    const h = harness();
    await h.decide(false);
    expect(h.rec.fromSetup).toBe(false);
    expect(await h.rec.finalize({ callId: 'c', tenantId: 't1', answered: true })).toBeNull();
    expect(h.stored).toEqual([]);
  });

  it('a client start mid-call sends start recording once and stores a client recording kept the client retention', async () => {
    const h = harness();
    await h.decide(false);
    expect(await h.rec.start(h.media)).toBe('started');
    expect(await h.rec.start(h.media)).toBe('already_recording');
    expect(await h.rec.stop(h.media)).toBe('stopped');
    expect(await h.rec.stop(h.media)).toBe('not_recording');
    expect(h.ng).toEqual(['start', 'stop']);
    expect(await h.rec.finalize({ callId: 'c', tenantId: 't1', answered: true })).toBe('client');
    expect(h.stored[0]).toMatchObject({ kind: 'client', expiresAtMs: T + 10 * DAY, diagnosticFlagId: null });
  });

  it('a diagnostic window records from setup; a client stop cannot end it; a client start makes it the client\'s', async () => {
    const h = harness([windowFlag]);
    await h.decide(false);
    expect(h.rec.fromSetup).toBe(true);
    expect(await h.rec.stop(h.media)).toBe('diagnostic_continues');
    expect(await h.rec.start(h.media)).toBe('started');
    expect(h.ng).toEqual([]); // rtpengine was recording already
    expect(await h.rec.stop(h.media)).toBe('diagnostic_continues'); // the window still covers the call
    expect(await h.rec.finalize({ callId: 'c', tenantId: 't1', answered: true })).toBe('diagnostic');
    expect(h.stored[0]).toMatchObject({ kind: 'diagnostic', expiresAtMs: T + 6 * DAY, diagnosticFlagId: 'f1' });
  });

  it('without a recording key nothing can be started', async () => {
    const rec = new CallRecording({ log });
    await rec.decide({ tenantId: 't1', clientWanted: true, retentionDays: 30, startedAtMs: T, numbers: [] });
    expect(rec.fromSetup).toBe(false);
    expect(await rec.start(harness().media)).toBe('unavailable');
  });
});
