import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import type { Logger } from '#lib/log/index.js';
import { RATER_API_PATHS, answerRequestSchema, authorizeMessageRequestSchema, authorizeRequestSchema, endRequestSchema, settleMessageRequestSchema } from '#lib/rater-api/index.js';
import type { Authorizer } from '../authorization/index.js';
import type { RaterMetrics } from '../metrics.js';
import type { CallManager } from '../reservation/call-manager.js';
import type { MessageMoney } from '../sms/index.js';

export type RaterApi = { readonly port: number; close(): Promise<void> };

const MAX_BODY_BYTES = 16_384;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    req.on('error', reject);
  });
}

/** The rater's internal API (HTTP JSON, keep-alive): authorize, answer, end; SMS authorize and settle. Contract in lib/rater-api. */
export async function startRaterApi(options: { host: string; port: number; authorizer: Authorizer; calls: CallManager; messages: MessageMoney; log: Logger; metrics: RaterMetrics }): Promise<RaterApi> {
  const routes = new Map<string, { schema: z.ZodType; handle: (body: never) => Promise<unknown>; name: string }>([
    [RATER_API_PATHS.authorize, { name: 'authorize', schema: authorizeRequestSchema, handle: async (b: z.infer<typeof authorizeRequestSchema>) => {
      const r = await options.authorizer.authorize(b);
      options.metrics.authorizations.inc({ result: r.allowed ? 'allowed' : r.reason });
      return r;
    } }],
    [RATER_API_PATHS.answer, { name: 'answer', schema: answerRequestSchema, handle: (b: z.infer<typeof answerRequestSchema>) => options.calls.answer(b) }],
    [RATER_API_PATHS.end, { name: 'end', schema: endRequestSchema, handle: async (b: z.infer<typeof endRequestSchema>) => {
      await options.calls.end(b);
      return { queued: true };
    } }],
    [RATER_API_PATHS.authorizeMessage, { name: 'sms_authorize', schema: authorizeMessageRequestSchema, handle: (b: z.infer<typeof authorizeMessageRequestSchema>) => options.messages.authorize(b) }],
    [RATER_API_PATHS.settleMessage, { name: 'sms_settle', schema: settleMessageRequestSchema, handle: (b: z.infer<typeof settleMessageRequestSchema>) => options.messages.settle(b) }],
  ]);
  const server: Server = createServer((req, res) => {
    const route = req.method === 'POST' ? routes.get((req.url ?? '').split('?')[0] ?? '') : undefined;
    if (!route) {
      send(res, 404, { code: 'RATER_API_NOT_FOUND', message: 'no such route' });
      return;
    }
    const stop = options.metrics.apiSeconds.startTimer({ route: route.name });
    readBody(req)
      .then(async (raw) => {
        const parsed = route.schema.safeParse(raw);
        if (!parsed.success) {
          send(res, 400, { code: 'RATER_API_BAD_REQUEST', message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
          return;
        }
        send(res, 200, await route.handle(parsed.data as never));
      })
      .catch((err: unknown) => {
        options.log.error({ err, route: route.name }, 'rater API request failed');
        if (!res.headersSent) send(res, 500, { code: 'RATER_INTERNAL', message: 'request failed' });
      })
      .finally(() => stop());
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
