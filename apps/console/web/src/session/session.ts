import { apiFetch } from '../api/api-client.js';

/** Who is logged in, from `/oauth/userinfo`. */
export interface ConsoleUser {
  username: string;
  displayName?: string;
  email?: string;
  groups: string[];
}

interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  csrf_token?: string;
}

/** A refused login: the kernel's own words (bad password, temporarily locked until …, disabled). */
export class LoginError extends Error {}

const CLIENT_ID = 'console';
// The refresh token lives in this tab's sessionStorage (gone with the tab); the
// access token only in the HttpOnly session cookie the kernel sets.
const REFRESH_KEY = 'mortise.console.refresh';
const EXPIRES_KEY = 'mortise.console.expiresAt';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

type Listener = (user: ConsoleUser | null) => void;

/** The console's login session over the kernel's OAuth endpoints and session cookie. */
export class Session {
  private current: ConsoleUser | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<Listener>();

  get user(): ConsoleUser | null {
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** On page load: the session cookie if it still works, else the refresh token, else nobody. */
  async restore(): Promise<ConsoleUser | null> {
    const user = await this.userinfo();
    if (user) {
      this.schedule(Number(sessionStorage.getItem(EXPIRES_KEY) ?? 0) - Date.now());
      return this.set(user);
    }
    if (sessionStorage.getItem(REFRESH_KEY) && (await this.refresh())) return this.current;
    return this.set(null);
  }

  async login(username: string, password: string): Promise<ConsoleUser> {
    await this.token({ grant_type: 'password', username, password });
    const user = await this.userinfo();
    if (!user) throw new LoginError('logged in, but the kernel does not recognise the session');
    return this.set(user)!;
  }

  /** New tokens from the refresh token; false (and logged out) when the kernel refuses it. */
  async refresh(): Promise<boolean> {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    try {
      await this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
      this.set(await this.userinfo());
      return this.current !== null;
    } catch {
      this.clear();
      this.set(null);
      return false;
    }
  }

  async logout(): Promise<void> {
    await apiFetch('/oauth/logout', { method: 'POST' }).catch(() => undefined);
    this.clear();
    this.set(null);
  }

  /** The kernel said 401: the session is gone (revoked, expired, user disabled). */
  expired(): void {
    if (this.current === null) return;
    void this.refresh();
  }

  private async token(params: Record<string, string>): Promise<void> {
    const response = await fetch('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, session_cookie: 'true', ...params }),
      credentials: 'same-origin',
    });
    const body = (await response.json().catch(() => ({}))) as Partial<TokenResponse> & {
      error_description?: string;
      message?: string;
    };
    if (!response.ok || !body.access_token) {
      throw new LoginError(body.error_description ?? body.message ?? `login failed (${response.status})`);
    }
    if (body.refresh_token) sessionStorage.setItem(REFRESH_KEY, body.refresh_token);
    const lifetimeMs = (body.expires_in ?? 0) * 1000;
    sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + lifetimeMs));
    this.schedule(lifetimeMs);
  }

  private async userinfo(): Promise<ConsoleUser | null> {
    const response = await fetch('/oauth/userinfo', { credentials: 'same-origin' });
    if (!response.ok) return null;
    const info = (await response.json()) as {
      preferred_username?: string;
      sub: string;
      name?: string;
      email?: string;
      groups?: string[];
    };
    return {
      username: info.preferred_username ?? info.sub,
      groups: info.groups ?? [],
      ...(info.name ? { displayName: info.name } : {}),
      ...(info.email ? { email: info.email } : {}),
    };
  }

  private schedule(lifetimeMs: number): void {
    clearTimeout(this.timer);
    if (!sessionStorage.getItem(REFRESH_KEY) || lifetimeMs <= 0) return;
    const delay = Math.max(5_000, lifetimeMs - REFRESH_MARGIN_MS);
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  private clear(): void {
    clearTimeout(this.timer);
    sessionStorage.removeItem(REFRESH_KEY);
    sessionStorage.removeItem(EXPIRES_KEY);
  }

  private set(user: ConsoleUser | null): ConsoleUser | null {
    this.current = user;
    for (const listener of this.listeners) listener(user);
    return user;
  }
}
