// A drachtio-srf app that proxies every INVITE with srf.proxyRequest, the way the drachtio-srf docs
// show it (`srf.proxyRequest(req, [dest1, dest2], { recordRoute, forking, ... }).then(results)`).
// The destinations and options are read per call, so one app serves every test of a file.
import { connectSrf, newSrf, type ServerAddress, type SrfApp, type SrfReq } from './srf-view.js';

/** srf.proxyRequest options (drachtio-srf lib/request.js, Request~proxyOptions). */
export type ProxyRequestOptions = {
  forking?: 'sequential' | 'simultaneous';
  remainInDialog?: boolean;
  recordRoute?: boolean;
  followRedirects?: boolean;
  provisionalTimeout?: string;
  finalTimeout?: string;
};

/** What srf resolves proxyRequest with. */
export type ProxyResults = {
  connected: boolean;
  finalStatus?: number;
  responses: { address: string; port: number; msgs: { status: number }[] }[];
};

export type ProxyPlanForCall = { destinations: string[]; options: ProxyRequestOptions };
export type ProxyAppEvents = { invites: number; results: ProxyResults[]; errors: string[] };
export type ProxyApp = { srf: SrfApp; events: ProxyAppEvents; stop(): void };

type ProxyingSrf = SrfApp & {
  proxyRequest(req: SrfReq, destination: string[] | undefined, opts: ProxyRequestOptions): Promise<ProxyResults>;
};

/** Waits (bounded) until the app has `n` proxy results or errors. */
export async function waitForResults(app: ProxyApp, n: number, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (app.events.results.length + app.events.errors.length < n && Date.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 20));
}

export async function startProxyApp(server: ServerAddress, plan: () => ProxyPlanForCall): Promise<ProxyApp> {
  const srf = newSrf() as ProxyingSrf;
  const events: ProxyAppEvents = { invites: 0, results: [], errors: [] };
  srf.invite((req) => {
    events.invites++;
    const { destinations, options } = plan();
    // No destinations: srf proxies to the request's own R-URI (its documented default).
    srf.proxyRequest(req, destinations.length > 0 ? destinations : undefined, options).then(
      (results) => events.results.push(results),
      (err: unknown) => events.errors.push(String(err)),
    );
  });
  await connectSrf(srf, server);
  return { srf, events, stop: () => srf.disconnect() };
}
