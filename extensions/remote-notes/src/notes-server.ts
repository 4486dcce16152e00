import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createIdentityVerifier, type IdentityVerifierOptions, type VerifiedIdentity } from '@mortise/sdk';
import { NOTES_AUDIENCE, NOTES_GROUP } from './gateway-objects.js';
import { NotesBook } from './notes-book.js';
import { createWorkspaceReader, type WorkspaceReader } from './workspace-reader.js';

export interface NotesServerOptions {
  /** The kernel's issuer and JWKS (`<kernel>/oauth/keys`), or a fixed key set. */
  identity: Omit<IdentityVerifierOptions, 'audience'>;
  /** Describes a note's workspace by asking the kernel; default: no credential, notes say so. */
  workspaces?: WorkspaceReader;
}

const NOTES_PATH = new RegExp(`^/kapis/${NOTES_GROUP.replaceAll('.', '\\.')}/v1/workspaces/([^/]+)/notes$`);
const MAX_BODY = 64 * 1024;

const BUNDLE = `// Console bundle of the remote-notes sample: one route, rendered in an iframe.
export default {
  name: 'remote-notes',
  routes: [{ path: '/workspaces/:workspace/notes', iframe: (p) => '/proxy/notes/?workspace=' + encodeURIComponent(p.workspace) }],
};
`;

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message, reason, code }));
}

function json(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString() || '{}');
}

/**
 * The sample's whole backend: plain `node:http`, to show that nothing but
 * the identity contract ties a remote service to the platform. Every path
 * except `/healthz` and the static bundle requires a valid identity token;
 * notes are kept per workspace, and the token must have been issued for the
 * workspace the path names (the kernel authorized the caller there). A new
 * note carries its workspace as the service itself read it from the kernel.
 */
export function createNotesServer(options: NotesServerOptions): Server {
  const verify = createIdentityVerifier({ ...options.identity, audience: NOTES_AUDIENCE });
  const book = new NotesBook();
  const readWorkspace = options.workspaces ?? createWorkspaceReader(undefined);

  const notes = async (
    req: IncomingMessage,
    res: ServerResponse,
    who: VerifiedIdentity,
    workspace: string,
    url: URL,
  ) => {
    if (who.workspace !== workspace) {
      return status(res, 403, 'Forbidden', `the identity token is not for workspace "${workspace}"`);
    }
    if (req.method === 'GET' && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': watching\n\n');
      const stop = book.subscribe(workspace, (note) => res.write(`event: note\ndata: ${JSON.stringify(note)}\n\n`));
      req.once('close', stop);
      return;
    }
    if (req.method === 'GET') return json(res, 200, { items: book.list(workspace) });
    if (req.method === 'POST') {
      const body = (await readJson(req)) as { text?: unknown };
      if (typeof body.text !== 'string' || body.text.trim() === '') {
        return status(res, 422, 'Invalid', 'a note needs a non-empty "text"');
      }
      return json(res, 201, book.add(await readWorkspace(workspace), body.text, who.username));
    }
    return status(res, 405, 'MethodNotAllowed', `${req.method} is not supported on notes`);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://notes.local');
    if (url.pathname === '/healthz') return void res.end('ok');
    if (url.pathname === '/static/index.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
      return void res.end(BUNDLE);
    }
    let who: VerifiedIdentity;
    try {
      who = await verify(req.headers);
    } catch (err) {
      return status(res, 401, 'Unauthorized', (err as Error).message);
    }
    const match = NOTES_PATH.exec(url.pathname);
    if (match) return notes(req, res, who, decodeURIComponent(match[1]), url);
    if (req.method === 'GET' && (url.pathname === '/ui' || url.pathname.startsWith('/ui/'))) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(
        `<!doctype html><title>Notes</title><h1>Notes</h1><p>Signed in as <b>${escapeHtml(who.username)}</b></p>` +
          `<script type="module" src="/dist/remote-notes/index.js"></script>`,
      );
    }
    return status(res, 404, 'NotFound', `nothing at ${url.pathname}`);
  };

  return createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) status(res, 400, 'BadRequest', 'the request could not be read');
      else res.destroy();
    });
  });
}
