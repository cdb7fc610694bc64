// The `sip-server` command line, modelled on drachtio-server's options (see docs/sip-server.md).
// Options override environment keys of the same meaning; environment and defaults come from config.ts.
import { Command, Option } from 'commander';

/** `--help` text of the sip-server command. */
export function cliHelp(): string {
  return buildProgram().helpInformation();
}

/** True when argv asks for help (main.ts prints `cliHelp()` and exits). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Parses argv (without node and script) into environment overrides. Throws commander's error on bad input. */
export function cliToEnv(argv: readonly string[], env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const program = buildProgram();
  program.parse(argv, { from: 'user' });
  return applyOptions(program, env);
}

function buildProgram(): Command {
  return new Command('sip-server')
    .description('drachtio-compatible SIP server')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .addOption(new Option('--contact <uri>', 'SIP listen contact, e.g. sip:127.0.0.1:5060;transport=udp,tcp (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--external-ip <ip>', 'public address advertised in Contact/Via/hostports'))
    .addOption(new Option('--outbound-proxy <uri>', 'next hop for every new request from apps'))
    .addOption(new Option('--address <host>', 'admin (drachtio wire protocol) listen address'))
    .addOption(new Option('--port <port>', 'admin TCP port apps connect to'))
    .addOption(new Option('--secret <secret>', 'shared secret apps authenticate with'))
    .addOption(new Option('--loglevel <level>', 'fatal|error|warn|info|debug|trace|silent'))
    .addOption(new Option('--http-port <port>', '/health and /metrics port'))
    .addOption(new Option('--cdrs', 'send CDR events to apps that route them'));
}

function applyOptions(program: Command, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const o = program.opts<{
    contact: string[];
    externalIp?: string;
    outboundProxy?: string;
    address?: string;
    port?: string;
    secret?: string;
    loglevel?: string;
    httpPort?: string;
    cdrs?: boolean;
  }>();
  const out: NodeJS.ProcessEnv = { ...env };
  if (o.contact.length > 0) out['SIPSRV_CONTACTS'] = o.contact.join(' ');
  if (o.externalIp !== undefined) out['SIPSRV_EXTERNAL_IP'] = o.externalIp;
  if (o.outboundProxy !== undefined) out['SIPSRV_OUTBOUND_PROXY'] = o.outboundProxy;
  if (o.address !== undefined) out['SIPSRV_ADMIN_HOST'] = o.address;
  if (o.port !== undefined) out['SIPSRV_ADMIN_PORT'] = o.port;
  if (o.secret !== undefined) out['SIPSRV_SECRET'] = o.secret;
  if (o.loglevel !== undefined) out['LOG_LEVEL'] = o.loglevel;
  if (o.httpPort !== undefined) out['SIPSRV_HTTP_PORT'] = o.httpPort;
  if (o.cdrs === true) out['SIPSRV_CDRS'] = 'true';
  return out;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
