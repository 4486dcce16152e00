import { InvalidError, type StatusCause } from '@mortise/api';
import type { OutgoingHttpHeaders } from 'node:http';

export type HeaderDirective =
  | { op: 'set'; name: string; value: string }
  | { op: 'add'; name: string; value: string }
  | { op: 'delete'; name: string };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses `Name value` (set), `+Name value` (add) and `-Name` (delete); a
 * colon after the name is accepted (`Name: value`). Invalid entries are
 * reported together, with their index, as an InvalidError.
 */
export function parseHeaderDirectives(entries: readonly string[] | undefined, field: string): HeaderDirective[] {
  const directives: HeaderDirective[] = [];
  const causes: StatusCause[] = [];
  (entries ?? []).forEach((entry, index) => {
    const text = entry.trim();
    const op = text.startsWith('+') ? 'add' : text.startsWith('-') ? 'delete' : 'set';
    const body = op === 'set' ? text : text.slice(1);
    const space = body.search(/\s/);
    const rawName = space < 0 ? body : body.slice(0, space);
    const name = (rawName.endsWith(':') ? rawName.slice(0, -1) : rawName).toLowerCase();
    const value = space < 0 ? '' : body.slice(space + 1).trim();
    if (!TOKEN.test(name) || /[\r\n]/.test(value)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `${field}[${index}]`,
        message: `"${entry}" is not a header directive (use "Name value", "+Name value" or "-Name")`,
      });
      return;
    }
    if (op === 'delete') directives.push({ op, name });
    else directives.push({ op, name, value });
  });
  if (causes.length > 0) throw new InvalidError(`${field}: invalid header directives`, { causes });
  return directives;
}

/** Applies directives in order to a header object, in place. */
export function applyHeaderDirectives(headers: OutgoingHttpHeaders, directives: readonly HeaderDirective[]): void {
  for (const d of directives) {
    switch (d.op) {
      case 'set':
        headers[d.name] = d.value;
        break;
      case 'add': {
        const current = headers[d.name];
        if (current === undefined) headers[d.name] = d.value;
        else if (Array.isArray(current)) headers[d.name] = [...current, d.value];
        else headers[d.name] = [String(current), d.value];
        break;
      }
      case 'delete':
        delete headers[d.name];
        break;
      default: {
        const unreachable: never = d;
        throw new Error(`unknown header directive ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
