// Runs the registrar/router app as its own process (for bench/sip-tls.bench.ts):
//   node --import tsx --conditions=source test/support/srf-apps/registrar-main.ts <adminPort> <secret> <target host:port> <user> <password>
import { startRegistrarApp } from './registrar-app.js';

const [port, secret, target, user, password] = process.argv.slice(2);
if (!port || !secret || !target || !user || !password) {
  process.stderr.write('usage: registrar-main.ts <adminPort> <secret> <target host:port> <user> <password>\n');
  process.exit(2);
}
const app = await startRegistrarApp({ host: '127.0.0.1', port: Number(port), secret }, { users: { [user]: password }, realm: 'bench.test', target });
process.stdout.write('ready\n');
const report = (): void => {
  const { inviteProtocols, ...counts } = app.events;
  process.stdout.write(`${JSON.stringify({ ...counts, inviteProtocols: inviteProtocols.length })}\n`);
};
process.on('SIGUSR2', report);
process.on('SIGTERM', () => {
  report();
  app.stop();
  process.exit(0);
});
