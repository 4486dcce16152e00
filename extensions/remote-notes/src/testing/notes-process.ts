import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { gatewayObjects } from '../gateway-objects.js';

const PLURALS: Record<string, string> = {
  APIService: 'apiservices',
  ReverseProxy: 'reverseproxies',
  JSBundle: 'jsbundles',
  ExtensionEntry: 'extensionentries',
};

/** Starts the service as its own process, as it runs in production; resolves with its URL once it listens. */
export async function startNotesProcess(
  env: Record<string, string>,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../main.js', import.meta.url))], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const url = /listening on (\S+)/.exec(line.toString())?.[1];
  if (!url) throw new Error(`the notes service did not start: ${line.toString()}`);
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

interface Caller {
  call(
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body: unknown },
  ): Promise<{ status: number; text: string }>;
}

/** Creates the four gateway objects for a service URL through the kernel's REST API. */
export async function createGatewayObjects(
  kernel: Caller,
  serviceUrl: string,
  headers: Record<string, string> = {},
): Promise<void> {
  for (const object of gatewayObjects(serviceUrl)) {
    const res = await kernel.call('POST', `/kapis/extensions.mortise.io/v1/${PLURALS[object.kind]}`, {
      headers,
      body: object,
    });
    if (res.status !== 201) throw new Error(`${object.kind} not created (${res.status}): ${res.text}`);
  }
}
