import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Client-chosen ids are echoed only when they are short and plain, so they cannot inject into logs or headers. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Generated ids keep the UUID shape: 80 random bits drawn once per process,
 * then a 48-bit sequence. Unique per process by the sequence and across
 * replicas by the random part, without a random draw and its formatting on
 * every request. Request ids identify; they are not secrets.
 */
const PROCESS_PREFIX = randomUUID().slice(0, 24);
let sequence = 0;

export function nextRequestId(): string {
  sequence = (sequence + 1) % 2 ** 48;
  return PROCESS_PREFIX + sequence.toString(16).padStart(12, '0');
}

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTABLE_REQUEST_ID.test(value) ? value : nextRequestId();
}
