import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Client-chosen ids are echoed only when they are short and plain, so they cannot inject into logs or headers. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const ZERO = 0x30;
const NINE = 0x39;
const A = 0x61;
const F = 0x66;
const SEQUENCE_DIGITS = 12;

/**
 * Request ids in the UUID shape: 80 random bits drawn once, then a 48-bit
 * sequence in hex. Unique per process by the sequence and across replicas by
 * the random part, without a random draw on every request. Request ids
 * identify; they are not secrets.
 *
 * The id is kept as its character codes, the sequence counted up in place,
 * and each id made from them in one call, which gives a flat string. A
 * concatenated id (prefix + formatted number) is a rope that Node has to
 * flatten when it checks the header value and writes the answer; through the
 * kernel on Node 22 that cost ~2 µs of server CPU per request (bench/,
 * `extension-dispatch`, six alternating runs each way).
 */
export class RequestIdSequence {
  private readonly codes: number[];

  /** `prefix` is the first 24 characters of a UUID; `last` the sequence's 12 hex digits to count on from. */
  constructor(prefix = randomUUID().slice(0, 24), last = '0'.repeat(SEQUENCE_DIGITS)) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-$/.test(prefix)) {
      throw new Error(`a request id prefix is the first 24 characters of a lowercase UUID, not "${prefix}"`);
    }
    if (!/^[0-9a-f]{12}$/.test(last))
      throw new Error(`a request id sequence is 12 lowercase hex digits, not "${last}"`);
    this.codes = Array.from(prefix + last, (c) => c.charCodeAt(0));
  }

  /** The next id; after `ffffffffffff` the sequence starts again at zero. */
  next(): string {
    const codes = this.codes;
    for (let i = codes.length - 1; i >= codes.length - SEQUENCE_DIGITS; i--) {
      const code = codes[i] ?? ZERO;
      if (code === F) {
        codes[i] = ZERO; // and carry
        continue;
      }
      codes[i] = code === NINE ? A : code + 1;
      break;
    }
    return String.fromCharCode.apply(null, codes);
  }
}

const processIds = new RequestIdSequence();

export function nextRequestId(): string {
  return processIds.next();
}

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTABLE_REQUEST_ID.test(value) ? value : nextRequestId();
}
