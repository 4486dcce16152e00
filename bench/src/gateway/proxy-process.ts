// One server per process, so the load generator, the proxy and the upstream
// do not share an event loop. Prints `ready <url> [token]` when listening.
import { startBareGateway, startHttpProxy, startReplyFrom } from './proxy-servers.js';
import { startGateway } from './gateway-server.js';
import { startUpstream } from './upstream-server.js';
import { answerProfileMessage } from '../profile-on-message.js';

const [kind = '', upstream = ''] = process.argv.slice(2);

// CPU time is what a contended machine cannot fake: the harness asks for it around each run.
process.on('message', (what) => {
  if (answerProfileMessage(what)) return;
  process.send?.(what === 'rss' ? { rss: process.memoryUsage().rss } : process.cpuUsage());
});
// A clean exit on SIGINT lets --cpu-prof write its profile.
process.once('SIGINT', () => process.exit(0));

async function main(): Promise<void> {
  switch (kind) {
    case 'upstream':
      process.stdout.write(`ready ${await startUpstream()}\n`);
      return;
    case 'http-proxy':
      process.stdout.write(`ready ${(await startHttpProxy(upstream)).url}\n`);
      return;
    case 'reply-from':
      process.stdout.write(`ready ${(await startReplyFrom(upstream)).url}\n`);
      return;
    case 'gateway-bare':
      process.stdout.write(`ready ${(await startBareGateway(upstream)).url}\n`);
      return;
    case 'gateway': {
      const started = await startGateway(upstream);
      process.stdout.write(`ready ${started.url} ${started.token}\n`);
      return;
    }
    default:
      throw new Error(`unknown server kind "${kind}"`);
  }
}
void main();
