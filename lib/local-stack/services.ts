/** The project's long-running services as the local stack runs them, in start order. */
export type LocalServiceSpec = {
  name: string;
  /** Folder holding main.ts (compiled to dist/<folder>/main.js). */
  folder: string;
  /** Environment key of its /health and /metrics port, and the port the dev stack gives it. */
  httpPortKey: string;
  httpPort: number;
  /** Other listeners worth printing, e.g. SIP and drachtio admin. */
  listens?: (env: Record<string, string>) => string[];
  /** Environment defaults of the development stack only (an operator's own value wins). */
  devEnv?: Readonly<Record<string, string>>;
};

export const LOCAL_SERVICES: readonly LocalServiceSpec[] = [
  {
    name: 'sip-server',
    folder: 'sip-server',
    httpPortKey: 'SIPSRV_HTTP_PORT',
    httpPort: 9101,
    listens: (env) => [`SIP ${env['SIPSRV_CONTACTS'] ?? 'sip:127.0.0.1:5060;transport=udp,tcp'}`, `drachtio admin 127.0.0.1:${env['SIPSRV_ADMIN_PORT'] ?? '9022'}`],
    // sipp load and softphones on this machine send from loopback: never rate-limit or ban them here
    // (docs/sip-server.md "Hardening"; production lists its carriers' gateways instead).
    devEnv: { SIPSRV_RATE_LIMIT_ALLOW: '127.0.0.0/8' },
  },
  { name: 'billing-rater', folder: 'billing-rater', httpPortKey: 'RATER_HTTP_PORT', httpPort: 9103 },
  { name: 'control-api', folder: 'control-api', httpPortKey: 'API_HTTP_PORT', httpPort: 8080, listens: () => ['REST http://127.0.0.1:8080/v1'] },
  { name: 'workers', folder: 'workers', httpPortKey: 'WORKERS_HTTP_PORT', httpPort: 9104 },
  { name: 'switch', folder: 'switch', httpPortKey: 'SWITCH_HTTP_PORT', httpPort: 9102 },
];

/** Ports of the development stack's infrastructure (tests use free ports instead). */
export const DEV_INFRA_PORTS = { postgres: 55432, redis: 56379, rtpengineNg: 22223, rtpMin: 30000, rtpMax: 31999 } as const;
