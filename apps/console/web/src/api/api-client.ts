/** The kernel's answer when a call fails: its `Status` message, or the OAuth error's description. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ApiInit = Omit<RequestInit, 'body'> & { body?: unknown };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CSRF_COOKIE = 'mortise_csrf';
const unauthorizedListeners = new Set<() => void>();

/** The CSRF value the kernel set at login, echoed on every unsafe call the session cookie authenticates. */
export function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** Called whenever the kernel answers 401: the session is over. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** `fetch` with the console session: the cookie, the CSRF header on unsafe methods, JSON bodies. */
export async function apiFetch(path: string, init: ApiInit = {}): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  if (!SAFE_METHODS.has(method)) {
    const csrf = csrfToken();
    if (csrf) headers.set('x-mortise-csrf', csrf);
  }
  let body: BodyInit | undefined;
  if (init.body !== undefined) {
    if (typeof init.body === 'string' || init.body instanceof FormData || init.body instanceof URLSearchParams) {
      body = init.body;
    } else {
      body = JSON.stringify(init.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }
  const response = await fetch(path, { ...init, method, headers, body, credentials: 'same-origin' });
  if (response.status === 401) for (const listener of unauthorizedListeners) listener();
  return response;
}

export async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as {
    message?: string;
    reason?: string;
    error_description?: string;
  };
  const message = body.message ?? body.error_description ?? `${response.status} ${response.statusText}`;
  return new ApiError(response.status, message, body.reason);
}

/** A JSON call; throws `ApiError` with the kernel's message when it fails. */
export async function apiJson<T>(path: string, init: ApiInit = {}): Promise<T> {
  const response = await apiFetch(path, init);
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/**
 * Follows a newline-delimited watch stream (`?watch=true`), calling `onEvent`
 * per line; reconnects after a pause when the stream ends, until stopped.
 */
export function watchJsonLines<T>(path: string, onEvent: (event: T) => void, retryMs = 2000): () => void {
  const controller = new AbortController();
  let stopped = false;
  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        const response = await apiFetch(path, { signal: controller.signal });
        if (!response.ok || !response.body) throw await errorOf(response);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffered = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffered += value;
          let newline = buffered.indexOf('\n');
          while (newline >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (line !== '') onEvent(JSON.parse(line) as T);
            newline = buffered.indexOf('\n');
          }
        }
      } catch {
        // dropped or refused: try again after a pause
      }
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}
