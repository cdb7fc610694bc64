// What the SMS handlers need, built once by the service's composition root.
import type { Clock } from '#lib/clock/index.js';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import type { RaterClient } from '#lib/rater-api/index.js';
import type { SipUserAuthenticator } from '../admission/sip-user-auth.js';
import type { DirectoryReader } from '../directory/cached-directory.js';
import type { CallLimiter } from '../limits/call-limiter.js';
import type { BindingStore } from '../registrar/binding-store.js';
import type { SrfApp } from '../srf/srf-view.js';
import type { SmsMetrics } from './sms-metrics.js';
import type { SmsStore } from './sms-store.js';

export type SmsEnv = {
  srf: SrfApp;
  directory: DirectoryReader;
  bindings: BindingStore;
  auth: SipUserAuthenticator;
  limiter: CallLimiter;
  store: SmsStore;
  /** The billing rater owns SMS money: a hold before sending, a settle after. */
  rater: Pick<RaterClient, 'authorizeMessage' | 'settleMessage'>;
  metrics: SmsMetrics;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  /** How long a carrier gateway or a device may take to answer a MESSAGE before it counts as 408. */
  timeoutMs: number;
};
