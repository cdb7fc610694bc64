// Everything a call flow needs, built once by the service's composition root.
import type { Clock } from '#lib/clock/index.js';
import type { Pool } from '#lib/db/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import type { RtpenginePool } from '#media/index.js';
import type { SipUserAuthenticator } from '../admission/sip-user-auth.js';
import type { DirectoryReader } from '../directory/cached-directory.js';
import type { CallLimiter } from '../limits/call-limiter.js';
import type { SwitchMetrics } from '../metrics.js';
import type { DiagnosticFlagReader } from '../recording/diagnostic-flags.js';
import type { RecordingFinalizer } from '../recording/recording-finalizer.js';
import type { BindingStore } from '../registrar/binding-store.js';
import type { SrfApp } from '../srf/srf-view.js';
import type { BridgedCall } from './bridged-call.js';
import type { RatingPort } from './rating-port.js';

export type CallEnv = {
  srf: SrfApp;
  pool: Pool;
  directory: DirectoryReader;
  bindings: BindingStore;
  auth: SipUserAuthenticator;
  limiter: CallLimiter;
  /** rtpengine nodes; each call's media session lives on one of them. */
  media: RtpenginePool;
  rating: RatingPort;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  metrics: SwitchMetrics;
  /** Answered calls by Call-ID (A leg), for cut events and shutdown. */
  active: Map<string, BridgedCall>;
  /** Forces rtpengine's media address (loopback tests, MEDIA-FACTS §7). */
  mediaAddress?: string;
  /** Turns recorded calls into stored recordings; absent when no recording key is configured. */
  recordings?: RecordingFinalizer;
  /** Staff diagnostic-recording windows (calls in them are recorded whatever the workspace's setting). */
  diagnosticFlags?: DiagnosticFlagReader;
  /** How long a gateway may take to answer before the next one is tried. */
  gatewayTimeoutMs: number;
};
