import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { NOTES_AUDIENCE, NOTES_GROUP } from './gateway-objects.js';
import { createNotesServer } from './notes-server.js';
import { startNotesProcess } from './testing/notes-process.js';
import { NO_CREDENTIAL } from './workspace-reader.js';

const ISSUER = 'https://kernel.test';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwks = { keys: [{ ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'k1', alg: 'ES256', use: 'sig' }] };

/** What the gateway would send: the identity token for a user, audience and workspace. */
async function identity(user: string, workspace?: string, audience = NOTES_AUDIENCE): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ groups: ['system:authenticated'], ...(workspace ? { ws: workspace } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'mortise-identity+jwt' })
    .setSubject(user)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(privateKey);
  return { 'x-mortise-identity': token, 'x-remote-user': user };
}

describe(createNotesServer.name, () => {
  let service: Awaited<ReturnType<typeof startNotesProcess>>;
  let url = '';
  const notes = (ws: string) => `${url}/kapis/${NOTES_GROUP}/v1/workspaces/${ws}/notes`;

  before(async () => {
    service = await startNotesProcess({ MORTISE_ISSUER: ISSUER, MORTISE_JWKS: JSON.stringify(jwks) });
    url = service.url;
  });
  after(async () => {
    await service.stop();
  });

  it('refuses requests without a valid identity token, whatever X-Remote-User says', async () => {
    assert.equal((await fetch(notes('ws1'), { headers: { 'x-remote-user': 'admin' } })).status, 401);
    assert.equal((await fetch(notes('ws1'), { headers: await identity('alice', 'ws1', 'ext:other') })).status, 401);
  });

  it('keeps notes per workspace and only for tokens issued for that workspace', async () => {
    const created = await fetch(notes('ws1'), {
      method: 'POST',
      headers: { ...(await identity('alice', 'ws1')), 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello ws1' }),
    });
    assert.equal(created.status, 201);
    const note = (await created.json()) as { author: string; workspace: unknown };
    assert.equal(note.author, 'alice');
    // Started without a kernel credential: the note is kept and says why the workspace is bare.
    assert.deepEqual(note.workspace, { name: 'ws1', unresolved: NO_CREDENTIAL });
    const ws1 = (await (await fetch(notes('ws1'), { headers: await identity('bob', 'ws1') })).json()) as {
      items: unknown[];
    };
    const ws2 = (await (await fetch(notes('ws2'), { headers: await identity('bob', 'ws2') })).json()) as {
      items: unknown[];
    };
    assert.deepEqual([ws1.items.length, ws2.items.length], [1, 0]);
    assert.equal((await fetch(notes('ws2'), { headers: await identity('bob', 'ws1') })).status, 403);
  });

  it('streams new notes of a workspace as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${notes('ws3')}?watch=true`, {
      headers: await identity('carol', 'ws3'),
      signal: controller.signal,
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const reader = res.body!.getReader();
    await reader.read();
    await fetch(notes('ws3'), {
      method: 'POST',
      headers: { ...(await identity('carol', 'ws3')), 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'live' }),
    });
    let text = '';
    while (!text.includes('\n\n')) text += Buffer.from((await reader.read()).value).toString();
    assert.match(text, /event: note\ndata: .*"text":"live"/);
    controller.abort();
  });

  it('serves its page to the verified user and its bundle to anyone', async () => {
    const page = await (await fetch(`${url}/ui/`, { headers: await identity('dave') })).text();
    assert.match(page, /Signed in as <b>dave<\/b>/);
    const bundle = await fetch(`${url}/static/index.js`);
    assert.equal(bundle.headers.get('content-type'), 'text/javascript; charset=utf-8');
  });
});
