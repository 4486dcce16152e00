#!/usr/bin/env node
import type { AddressInfo } from 'node:net';
import { createNotesServer } from './notes-server.js';
import { NO_CREDENTIAL, createWorkspaceReader, kernelCredentialFromEnv } from './workspace-reader.js';

// Configuration by environment, like any container: where the kernel is and where to listen.
const issuer = process.env.MORTISE_ISSUER ?? 'http://127.0.0.1:8080';
const jwksUrl = process.env.MORTISE_JWKS_URL ?? `${issuer}/oauth/keys`;
const jwks = process.env.MORTISE_JWKS ? (JSON.parse(process.env.MORTISE_JWKS) as { keys: [] }) : undefined;
const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
// The service's own credential for calling the kernel as ext:remote-notes; optional.
const kernel = kernelCredentialFromEnv(process.env, issuer);

const server = createNotesServer({
  identity: { issuer, ...(jwks ? { jwks } : { jwksUrl }) },
  workspaces: createWorkspaceReader(kernel),
});
server.listen(port, host, () => {
  const address = server.address() as AddressInfo;
  // The first line says where it listens; tests and scripts read it.
  process.stdout.write(`listening on http://${host}:${address.port}\n`);
  process.stdout.write(
    kernel ? `calling ${kernel.kernelUrl} as ${kernel.clientId}\n` : `not calling the kernel: ${NO_CREDENTIAL}\n`,
  );
});
const stop = (): void => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
