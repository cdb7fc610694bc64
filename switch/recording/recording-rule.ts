// Which rule records a call (issue 9, docs/privacy.md): the client's own opt-in (workspace, number,
// or a start through the API during the call) first, then a staff diagnostic flag whose window holds
// the call's setup time and that covers the workspace or one of the call's numbers. Pure functions.

/** A staff troubleshooting window on a workspace (numberE164 null) or one of its numbers. */
export type DiagnosticFlag = { flagId: string; numberE164: string | null; startsAtMs: number; endsAtMs: number };

export type RecordingDecision =
  | { kind: 'client'; expiresAtMs: number }
  /** Deleted when the troubleshooting window closes (expiresAtMs = the window's end). */
  | { kind: 'diagnostic'; expiresAtMs: number; flagId: string };

const DAY_MS = 86_400_000;

/** The client's rule: kept `retentionDays` (≤ 30) after the call started. */
export function clientRecording(startedAtMs: number, retentionDays: number): RecordingDecision {
  return { kind: 'client', expiresAtMs: startedAtMs + retentionDays * DAY_MS };
}

/** The diagnostic flag in force at `atMs` for a call touching `numbers` (longest window first), if any. */
export function diagnosticRecording(flags: readonly DiagnosticFlag[], atMs: number, numbers: readonly string[]): RecordingDecision | undefined {
  let best: DiagnosticFlag | undefined;
  for (const f of flags) {
    const inWindow = f.startsAtMs <= atMs && atMs < f.endsAtMs;
    const covers = f.numberE164 === null || numbers.includes(f.numberE164);
    if (inWindow && covers && (best === undefined || f.endsAtMs > best.endsAtMs)) best = f;
  }
  return best && { kind: 'diagnostic', expiresAtMs: best.endsAtMs, flagId: best.flagId };
}

/** The rule in force at setup: the client's opt-in wins (its recording is the client's), else a diagnostic flag. */
export function decideRecording(args: { clientWanted: boolean; retentionDays: number; startedAtMs: number; numbers: readonly string[]; flags: readonly DiagnosticFlag[] }): RecordingDecision | undefined {
  if (args.clientWanted) return clientRecording(args.startedAtMs, args.retentionDays);
  return diagnosticRecording(args.flags, args.startedAtMs, args.numbers);
}
