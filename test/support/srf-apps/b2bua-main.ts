// Runs the B2BUA app as its own process (for bench/sip-cps.bench.ts):
//   node --import tsx --conditions=source test/support/srf-apps/b2bua-main.ts <adminPort> <secret> <target host:port>
import { startB2buaApp } from './b2bua-app.js';

const [port, secret, target] = process.argv.slice(2);
if (!port || !secret || !target) {
  process.stderr.write('usage: b2bua-main.ts <adminPort> <secret> <target host:port>\n');
  process.exit(2);
}
const app = await startB2buaApp({ host: '127.0.0.1', port: Number(port), secret }, target);
process.stdout.write('ready\n');
const report = (): void => {
  process.stdout.write(`${JSON.stringify(app.events)}\n`);
};
process.on('SIGUSR2', report);
process.on('SIGTERM', () => {
  report();
  app.stop();
  process.exit(0);
});
