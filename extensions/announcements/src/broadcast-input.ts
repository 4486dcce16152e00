import { InvalidError, type StatusCause } from '@mortise/sdk';
import type { BroadcastInput, Severity } from './announcement.js';

const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Checks a broadcast body; throws InvalidError with one cause per bad field. */
export function parseBroadcastInput(body: unknown): BroadcastInput {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const causes: StatusCause[] = [];
  const { title, body: text, severity, ttlHours } = input;
  if (typeof title !== 'string' || title.trim() === '') {
    causes.push({ reason: 'FieldValueRequired', field: 'title', message: 'a non-empty title is required' });
  }
  if (text !== undefined && typeof text !== 'string') {
    causes.push({ reason: 'FieldValueInvalid', field: 'body', message: 'must be a string' });
  }
  if (severity !== undefined && !SEVERITIES.includes(severity as Severity)) {
    causes.push({
      reason: 'FieldValueNotSupported',
      field: 'severity',
      message: `must be one of ${SEVERITIES.join(', ')}`,
    });
  }
  if (ttlHours !== undefined && (!Number.isInteger(ttlHours) || (ttlHours as number) < 1)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'ttlHours', message: 'must be a positive integer' });
  }
  if (causes.length > 0) {
    throw new InvalidError(`broadcast is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`, {
      causes,
    });
  }
  return input as unknown as BroadcastInput;
}
