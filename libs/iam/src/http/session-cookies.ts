import { fastifyCookie } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IamConfig } from '../iam-config.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../session-cookie.authenticator.js';

function secure(request: FastifyRequest, setting: IamConfig['cookieSecure']): boolean {
  return setting === 'auto' ? request.protocol === 'https' : setting;
}

/**
 * Sets the console's session: the access token in an HttpOnly, SameSite=Strict
 * cookie, and the CSRF value in a cookie the console's script can read and
 * echo in `X-Mortise-CSRF`.
 */
export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { token: string; csrf: string; maxAgeSeconds: number },
  setting: IamConfig['cookieSecure'],
): void {
  const common = {
    path: '/',
    sameSite: 'strict' as const,
    secure: secure(request, setting),
    maxAge: session.maxAgeSeconds,
  };
  void reply.header('set-cookie', [
    fastifyCookie.serialize(SESSION_COOKIE, session.token, { ...common, httpOnly: true }),
    fastifyCookie.serialize(CSRF_COOKIE, session.csrf, common),
  ]);
}

export function clearSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  setting: IamConfig['cookieSecure'],
): void {
  const common = { path: '/', sameSite: 'strict' as const, secure: secure(request, setting), maxAge: 0 };
  void reply.header('set-cookie', [
    fastifyCookie.serialize(SESSION_COOKIE, '', { ...common, httpOnly: true }),
    fastifyCookie.serialize(CSRF_COOKIE, '', common),
  ]);
}
