import { changeChannel } from '#lib/change-events/index.js';
import { SystemClock, type Clock } from '#lib/clock/index.js';
import { CryptoIdSource, type IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';
import { RaterClient } from '#lib/rater-api/index.js';
import { createRedis } from '#lib/redis/index.js';
import { attachPostgres, attachRedis, checkRtpengine, createServiceRuntime, type ServiceRuntime } from '#lib/runtime/index.js';
import { EncryptedRecordingStore, recordingStorage, RtpenginePool } from '#media/index.js';
import { subscribeCallCommands } from './recording/call-command-subscriber.js';
import { DiagnosticFlags } from './recording/diagnostic-flags.js';
import { RecordingFinalizer } from './recording/recording-finalizer.js';
import { NonceSigner } from './admission/digest.js';
import { SipUserAuthenticator } from './admission/sip-user-auth.js';
import type { BridgedCall } from './call/bridged-call.js';
import { createInviteHandler } from './call/invite-handler.js';
import { RaterRatingPort, subscribeCutEvents, type RatingPort } from './call/rating-port.js';
import type { SwitchConfig } from './config.js';
import { CachedDirectory } from './directory/cached-directory.js';
import { subscribeDirectoryChanges } from './directory/change-subscriber.js';
import { Directory } from './directory/directory.js';
import { CallLimiter } from './limits/call-limiter.js';
import { createSwitchMetrics } from './metrics.js';
import { BindingStore } from './registrar/binding-store.js';
import { createRegisterHandler } from './registrar/register-handler.js';
import { createMessageHandler } from './sms/message-handler.js';
import { createSmsMetrics } from './sms/sms-metrics.js';
import { SmsStore } from './sms/sms-store.js';
import { newSrf, type SrfApp } from './srf/srf-view.js';
import { batchDrachtioWrites } from './srf/wire-batching.js';

export type SwitchService = ServiceRuntime & { srf: SrfApp; active: Map<string, BridgedCall> };

export type SwitchOverrides = { clock?: Clock; ids?: IdSource; rating?: RatingPort };

/** Builds the switch: connects to the drachtio server and installs the registrar and call handlers. */
export async function startSwitchService(config: SwitchConfig, log: Logger, overrides: SwitchOverrides = {}): Promise<SwitchService> {
  const runtime = await createServiceRuntime({ service: 'switch', metricsPrefix: 'switch', httpHost: config.HTTP_HOST, httpPort: config.SWITCH_HTTP_PORT, log });
  const clock = overrides.clock ?? new SystemClock();
  const ids = overrides.ids ?? new CryptoIdSource();
  const pool = attachPostgres(runtime, config.PG_URL, 'switch');
  const redis = attachRedis(runtime, config.REDIS_URL);
  checkRtpengine(runtime, config.RTPENGINE_NG);
  const metrics = createSwitchMetrics(runtime.registry);
  const media = new RtpenginePool({ targets: config.RTPENGINE_NG, clock, log, registry: runtime.registry });
  runtime.shutdown.add('rtpengine pool', () => media.close());
  const raterClient = new RaterClient({ baseUrl: config.RATER_API_URL });
  runtime.shutdown.add('rater client', () => raterClient.close());
  const rating = overrides.rating ?? new RaterRatingPort(raterClient);
  const directory = new CachedDirectory({ directory: new Directory(pool), pool, clock, ttlMs: config.SWITCH_DIRECTORY_CACHE_MS });
  const auth = new SipUserAuthenticator({ directory, nonces: new NonceSigner(config.SWITCH_NONCE_SECRET), clock, algorithms: config.SWITCH_DIGEST_ALGORITHMS });
  const bindings = new BindingStore({
    redis,
    clock,
    policy: {
      defaultExpiresSec: config.SWITCH_REG_DEFAULT_EXPIRES_SEC,
      minExpiresSec: config.SWITCH_REG_MIN_EXPIRES_SEC,
      maxExpiresSec: config.SWITCH_REG_MAX_EXPIRES_SEC,
      maxBindings: config.SWITCH_REG_MAX_DEVICES,
    },
  });
  const limiter = new CallLimiter({ redis, clock, registry: runtime.registry });
  const active = new Map<string, BridgedCall>();
  const recordings = config.RECORDING_KEY
    ? new RecordingFinalizer({
        spoolDir: config.SWITCH_RECORDING_SPOOL_DIR,
        store: new EncryptedRecordingStore(recordingStorage(config, config.SWITCH_RECORDING_STORE_DIR), Buffer.from(config.RECORDING_KEY, 'hex')),
        pool,
        log,
        clock,
      })
    : undefined;
  if (!recordings) log.warn('RECORDING_KEY is not set: no call will be recorded');
  const diagnosticFlags = new DiagnosticFlags({ pool, clock, ttlMs: config.SWITCH_DIRECTORY_CACHE_MS });

  const srf = newSrf();
  const env = {
    srf,
    pool,
    directory,
    bindings,
    auth,
    limiter,
    media,
    rating,
    clock,
    ids,
    log,
    metrics,
    active,
    gatewayTimeoutMs: config.SWITCH_GATEWAY_TIMEOUT_MS,
    ...(recordings ? { recordings } : {}),
    diagnosticFlags,
    ...(config.SWITCH_MEDIA_ADDRESS === undefined ? {} : { mediaAddress: config.SWITCH_MEDIA_ADDRESS }),
  };
  srf.register(createRegisterHandler({ auth, bindings, clock, log, registry: runtime.registry }));
  srf.options((_req, res) => res.send(200));
  srf.invite(createInviteHandler(env));
  srf.message(
    createMessageHandler({
      srf,
      directory,
      bindings,
      auth,
      limiter,
      store: new SmsStore(pool),
      rater: raterClient,
      metrics: createSmsMetrics(runtime.registry),
      clock,
      ids,
      log,
      timeoutMs: config.SWITCH_GATEWAY_TIMEOUT_MS,
    }),
  );

  const subscriber = createRedis({ url: config.REDIS_URL, log });
  runtime.shutdown.add('rater cut subscriber', () => subscriber.disconnect());
  await subscribeCutEvents(subscriber, log, (event) => active.get(event.callId)?.cutAt(event.cutAtMs, 'balance_exhausted'));
  await subscribeDirectoryChanges(subscriber, directory, log);
  // Staff opened or closed a diagnostic-recording window: the control API publishes a tenant change.
  subscriber.on('pmessage', (_pattern: string, channel: string) => {
    if (channel === changeChannel('tenant')) diagnosticFlags.invalidate();
  });
  await subscribeCallCommands({ subscriber, publisher: redis, active, log });

  let connected = false;
  runtime.addCheck({
    name: 'drachtio',
    check: () => (connected ? Promise.resolve() : Promise.reject(new Error('not connected'))),
  });
  srf.on('connect', (err, hostport) => {
    if (err) log.error({ err }, 'drachtio connection failed');
    else {
      connected = true;
      log.info({ hostport, batchedSockets: batchDrachtioWrites(srf) }, 'connected to the drachtio server');
    }
  });
  srf.on('disconnect', () => {
    connected = false;
    log.warn('disconnected from the drachtio server; drachtio-srf reconnects');
  });
  srf.on('error', (err) => log.warn({ err }, 'drachtio connection error'));
  srf.connect({ host: config.SWITCH_DRACHTIO_HOST, port: config.SWITCH_DRACHTIO_PORT, secret: config.SWITCH_DRACHTIO_SECRET });
  runtime.shutdown.add('drachtio connection', async () => {
    await Promise.allSettled([...active.values()].map((call) => call.hangup('shutdown')));
    srf.disconnect();
  });
  return { ...runtime, srf, active };
}
