import type { RequestHandler } from 'express';
import type { IdSource } from '#lib/ids/index.js';
import type { Logger } from '#lib/log/index.js';

const GOOD_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives each request an id (a sane incoming X-Request-Id is kept), echoes it, and a child logger `{ reqId }`. */
export function requestContext(log: Logger, ids: IdSource): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming !== undefined && GOOD_REQUEST_ID.test(incoming) ? incoming : ids.uuid();
    res.locals['requestId'] = requestId;
    res.locals['log'] = log.child({ reqId: requestId });
    res.locals['ip'] = req.ip ?? req.socket.remoteAddress ?? null;
    res.setHeader('x-request-id', requestId);
    next();
  };
}
