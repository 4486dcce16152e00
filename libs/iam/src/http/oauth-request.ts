import { UnauthorizedError, type Caller } from '@mortise/api';
import type { FastifyRequest } from 'fastify';
import type { LoginSource } from '../login.service.js';
import { presentedClient, type OAuthRequestBody } from '../oauth-token.service.js';

/** The string fields of an OAuth request body (form or JSON); anything else is dropped. */
export function oauthBody(body: unknown): OAuthRequestBody {
  if (typeof body !== 'object' || body === null) return {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
  return fields;
}

export function loginSourceOf(request: FastifyRequest, body: OAuthRequestBody): LoginSource {
  const source: LoginSource = { ip: request.ip };
  const userAgent = request.headers['user-agent'];
  if (userAgent !== undefined) source.userAgent = userAgent;
  const clientId = presentedClient(request.headers.authorization, body).clientId;
  if (clientId !== undefined) source.clientId = clientId;
  return source;
}

/** The authenticated caller; 401 for an anonymous one. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = request.caller as Caller | null | undefined;
  if (!caller || caller.credential === 'anonymous')
    throw new UnauthorizedError('log in first: send a bearer token or an API key');
  return caller;
}
