// A drachtio-srf registrar and router, written the way drachtio apps reach WebSocket clients:
// REGISTER is challenged by drachtio-mw-digest-auth (RFC 3261 §22.4) and the binding keeps the
// flow it came on (source address, port and protocol, RFC 7118 §5 / RFC 5626). An INVITE to a
// registered user is bridged (createB2BUA) to its Contact with `proxy` set to that flow, so the
// server reaches the client over its own socket; any other INVITE is bridged to `target`.
import digestAuth from 'drachtio-mw-digest-auth';
import { connectSrf, newSrf, type Handler, type ServerAddress, type SrfApp, type SrfDialog, type SrfReq } from './srf-view.js';

export type Binding = { contact: string; flow: { protocol: string; address: string; port: number } };
export type RegistrarAppEvents = { challenged: number; registered: number; invites: number; inviteProtocols: string[]; connected: number; failed: number; ended: number; errors: string[] };
export type RegistrarApp = { srf: SrfApp; events: RegistrarAppEvents; bindings: Map<string, Binding>; stop(): void };

type FlowReq = SrfReq & { source_address: string; source_port: number; protocol: string; getParsedHeader(name: 'to'): { uri: string } };

export type RegistrarAppOptions = {
  /** Digest users: username → password. */
  users: Record<string, string>;
  realm: string;
  /** host:port[;transport=x] for INVITEs to unregistered users. */
  target: string;
  /** URI scheme towards `target`: `sips` asks the server for TLS on that hop (RFC 3261 §26.2.2). */
  targetScheme?: 'sip' | 'sips';
};

const userOf = (uri: string): string => /^sips?:([^@;>]+)@/i.exec(uri)?.[1] ?? '';
const contactUri = (value: string): string => /<([^>]+)>/.exec(value)?.[1] ?? value.split(';')[0] ?? value;

export async function startRegistrarApp(server: ServerAddress, o: RegistrarAppOptions): Promise<RegistrarApp> {
  const srf = newSrf();
  const events: RegistrarAppEvents = { challenged: 0, registered: 0, invites: 0, inviteProtocols: [], connected: 0, failed: 0, ended: 0, errors: [] };
  const bindings = new Map<string, Binding>();

  const auth = digestAuth({ realm: o.realm, passwordLookup: (username, _realm, cb) => cb(null, o.users[username] ?? null) }) as unknown as Handler;
  const countChallenges: Handler = (req, _res, next) => {
    if (!req.get('Authorization')) events.challenged++;
    next();
  };
  srf.register(countChallenges, auth, (req, res) => {
    const r = req as FlowReq;
    const contact = req.get('Contact');
    const expires = /expires=(\d+)/i.exec(contact)?.[1] ?? (req.has('Expires') ? req.get('Expires') : '3600');
    const aor = userOf(r.getParsedHeader('to').uri);
    if (expires === '0') bindings.delete(aor);
    else bindings.set(aor, { contact: contactUri(contact), flow: { protocol: r.protocol, address: r.source_address, port: r.source_port } });
    events.registered++;
    res.send(200, { headers: { Contact: `${contact.replace(/;expires=\d+/i, '')};expires=${expires}` } });
  });

  srf.invite((req, res) => {
    events.invites++;
    events.inviteProtocols.push((req as FlowReq).protocol);
    const binding = bindings.get(req.calledNumber);
    // RFC 7118 §5: the client's Contact host is *.invalid; `proxy` sends the request down its flow.
    const uri = binding ? binding.contact : `${o.targetScheme ?? 'sip'}:${req.calledNumber}@${o.target}`;
    const opts = binding ? { localSdpB: req.body, proxy: `sip:${binding.flow.address}:${binding.flow.port};transport=${binding.flow.protocol}` } : { localSdpB: req.body };
    srf.createB2BUA(req, res, uri, opts).then(
      ({ uas, uac }) => {
        events.connected++;
        const endOther = (other: SrfDialog) => () => {
          events.ended++;
          other.destroy().catch((err: unknown) => events.errors.push(String(err)));
        };
        uas.on('destroy', endOther(uac));
        uac.on('destroy', endOther(uas));
      },
      (err: unknown) => {
        events.failed++;
        if (typeof err !== 'object' || err === null || !('status' in err)) events.errors.push(String(err));
      },
    );
  });

  await connectSrf(srf, server);
  let stopped = false;
  return {
    srf,
    events,
    bindings,
    stop: () => {
      if (stopped) return; // srf asserts on a second disconnect
      stopped = true;
      srf.disconnect();
    },
  };
}
