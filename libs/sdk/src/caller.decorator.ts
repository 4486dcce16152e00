import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ExtensionCaller } from './extension-context.js';

/**
 * Where the kernel leaves the `ExtensionCaller` on the incoming Node request
 * before dispatching it into the extension. Shared by the kernel and the SDK
 * only; extensions use `@Caller()`.
 */
export const REQUEST_CALLER_KEY = Symbol.for('mortise.sdk.request-caller');

type CarriesCaller = { [REQUEST_CALLER_KEY]?: ExtensionCaller };

/** The caller of the current request, read from what the kernel attached to the Node request. */
export function callerOf(request: { raw?: unknown } | object): ExtensionCaller {
  const raw = ('raw' in request ? request.raw : request) as CarriesCaller;
  const caller = raw[REQUEST_CALLER_KEY];
  if (!caller) {
    throw new Error('@Caller() is only available in requests the kernel dispatched to the extension');
  }
  return caller;
}

/** Parameter decorator: the authenticated `ExtensionCaller` of the request. */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): ExtensionCaller =>
  callerOf(ctx.switchToHttp().getRequest<object>()),
);
