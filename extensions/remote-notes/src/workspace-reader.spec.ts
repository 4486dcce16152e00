import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_CREDENTIAL, createWorkspaceReader, kernelCredentialFromEnv } from './workspace-reader.js';

const CLIENT = { clientId: 'ext-remote-notes', clientSecret: 's3cret' };
const BASIC = `Basic ${Buffer.from('ext-remote-notes:s3cret').toString('base64')}`;

/**
 * The two kernel endpoints the reader uses: the token endpoint, which hands
 * out `t1`, `t2`, … for the right client, and `GET` on a workspace for a
 * current token. `ws1` exists, `private` is refused, the rest is not found.
 */
function fakeKernel() {
  const issued: string[] = [];
  const revoked = new Set<string>();
  const status = (code: number, message: string) => ({ kind: 'Status', status: 'Failure', code, message });
  const server: Server = createServer((req, res) => {
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && req.url === '/oauth/token') {
      if (req.headers.authorization !== BASIC) return send(401, { error: 'invalid_client' });
      issued.push(`t${issued.length + 1}`);
      return send(200, { access_token: issued.at(-1), token_type: 'Bearer', expires_in: 3600 });
    }
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!issued.includes(token) || revoked.has(token)) return send(401, status(401, 'token revoked'));
    const name = /^\/kapis\/tenant\.mortise\.io\/v1\/workspaces\/([^/]+)$/.exec(req.url ?? '')?.[1];
    if (name === 'ws1') return send(200, { kind: 'Workspace', metadata: { name }, spec: { displayName: 'Team One' } });
    if (name === 'private') return send(403, status(403, 'ext:remote-notes may not get workspaces "private"'));
    return send(404, status(404, `workspaces "${name}" not found`));
  });
  return { server, issued, revoked };
}

describe(createWorkspaceReader.name, () => {
  const kernel = fakeKernel();
  let kernelUrl = '';

  before(async () => {
    await new Promise<void>((resolve) => kernel.server.listen(0, '127.0.0.1', resolve));
    kernelUrl = `http://127.0.0.1:${(kernel.server.address() as AddressInfo).port}/`;
  });
  after(() => {
    kernel.server.closeAllConnections();
    kernel.server.close();
  });

  it('reads the workspace with its own token, asked for once and reused', async () => {
    const read = createWorkspaceReader({ kernelUrl, ...CLIENT });
    assert.deepEqual(await read('ws1'), { name: 'ws1', displayName: 'Team One' });
    assert.deepEqual(await read('ws1'), { name: 'ws1', displayName: 'Team One' });
    assert.equal(kernel.issued.length, 1);
  });

  it('asks for a new token once when the kernel no longer accepts the current one', async () => {
    const read = createWorkspaceReader({ kernelUrl, ...CLIENT });
    await read('ws1');
    kernel.revoked.add(kernel.issued.at(-1)!);
    const before = kernel.issued.length;
    assert.deepEqual(await read('ws1'), { name: 'ws1', displayName: 'Team One' });
    assert.equal(kernel.issued.length, before + 1);
  });

  it('says why when the kernel refuses, finds nothing or rejects the credential, without throwing', async () => {
    const read = createWorkspaceReader({ kernelUrl, ...CLIENT });
    assert.deepEqual(await read('private'), {
      name: 'private',
      unresolved: 'the kernel answered 403: ext:remote-notes may not get workspaces "private"',
    });
    assert.equal((await read('gone')).unresolved, 'the kernel answered 404: workspaces "gone" not found');
    const wrong = await createWorkspaceReader({ kernelUrl, ...CLIENT, clientSecret: 'stale-secret' })('ws1');
    assert.match(wrong.unresolved ?? '', /refused the client credentials of "ext-remote-notes" \(invalid_client\)/);
    assert.doesNotMatch(wrong.unresolved ?? '', /stale-secret/, 'the secret is never repeated');
  });

  it('says so without a credential or a reachable kernel', async () => {
    assert.deepEqual(await createWorkspaceReader(undefined)('ws1'), { name: 'ws1', unresolved: NO_CREDENTIAL });
    const unreachable = createWorkspaceReader({ kernelUrl: 'http://127.0.0.1:9', ...CLIENT });
    assert.match((await unreachable('ws1')).unresolved ?? '', /^the kernel could not be asked: /);
  });
});

describe(kernelCredentialFromEnv.name, () => {
  it('needs only the secret: the kernel defaults to the issuer, the client to ext-remote-notes', () => {
    assert.equal(kernelCredentialFromEnv({}, 'http://kernel'), undefined);
    assert.deepEqual(kernelCredentialFromEnv({ MORTISE_CLIENT_SECRET: 's' }, 'http://kernel'), {
      kernelUrl: 'http://kernel',
      clientId: 'ext-remote-notes',
      clientSecret: 's',
    });
    const env = { MORTISE_CLIENT_SECRET: 's', MORTISE_CLIENT_ID: 'ext-x', MORTISE_KERNEL_URL: 'http://in-cluster' };
    assert.deepEqual(kernelCredentialFromEnv(env, 'http://kernel'), {
      kernelUrl: 'http://in-cluster',
      clientId: 'ext-x',
      clientSecret: 's',
    });
  });

  it('reads a secret file at each token request: a rotated file is used without a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notes-secret-'));
    const file = join(dir, 'client-secret');
    const credential = kernelCredentialFromEnv({ MORTISE_CLIENT_SECRET_FILE: file }, 'http://kernel');
    assert.ok(credential && typeof credential.clientSecret === 'function');
    await assert.rejects(Promise.resolve(credential.clientSecret()), { code: 'ENOENT' });
    await writeFile(file, 'first\n');
    assert.equal(await credential.clientSecret(), 'first', 'the trailing newline of a mounted file is not part of it');
    await writeFile(file, 'rotated');
    assert.equal(await credential.clientSecret(), 'rotated');
    await rm(dir, { recursive: true });
  });
});
