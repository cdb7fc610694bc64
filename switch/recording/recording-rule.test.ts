import { describe, expect, it } from 'vitest';
import { decideRecording, diagnosticRecording, type DiagnosticFlag } from './recording-rule.js';

const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 1);
const workspaceFlag: DiagnosticFlag = { flagId: 'w', numberE164: null, startsAtMs: T, endsAtMs: T + 7 * DAY };
const numberFlag: DiagnosticFlag = { flagId: 'n', numberE164: '+442079460001', startsAtMs: T, endsAtMs: T + 9 * DAY };

describe('recording rule', () => {
  it('records nothing by default', () => {
    expect(decideRecording({ clientWanted: false, retentionDays: 30, startedAtMs: T, numbers: ['+442079460001'], flags: [] })).toBeUndefined();
  });

  it('the client opt-in wins and keeps the client retention', () => {
    expect(decideRecording({ clientWanted: true, retentionDays: 10, startedAtMs: T, numbers: [], flags: [workspaceFlag] })).toEqual({ kind: 'client', expiresAtMs: T + 10 * DAY });
  });

  it('a diagnostic window applies from its start (inclusive) to its end (exclusive)', () => {
    expect(diagnosticRecording([workspaceFlag], T - 1, [])).toBeUndefined();
    expect(diagnosticRecording([workspaceFlag], T, [])).toEqual({ kind: 'diagnostic', expiresAtMs: T + 7 * DAY, flagId: 'w' });
    expect(diagnosticRecording([workspaceFlag], T + 7 * DAY - 1, [])).toMatchObject({ flagId: 'w' });
    expect(diagnosticRecording([workspaceFlag], T + 7 * DAY, [])).toBeUndefined();
  });

  it('a number flag covers only calls to or from that number; the longest window wins', () => {
    expect(diagnosticRecording([numberFlag], T + DAY, ['+442079460002'])).toBeUndefined();
    expect(diagnosticRecording([numberFlag], T + DAY, ['+442079460002', '+442079460001'])).toMatchObject({ flagId: 'n' });
    expect(diagnosticRecording([workspaceFlag, numberFlag], T + DAY, ['+442079460001'])).toMatchObject({ flagId: 'n', expiresAtMs: T + 9 * DAY });
    expect(decideRecording({ clientWanted: false, retentionDays: 30, startedAtMs: T + DAY, numbers: ['+442079460001'], flags: [numberFlag] })).toMatchObject({ kind: 'diagnostic' });
  });
});
