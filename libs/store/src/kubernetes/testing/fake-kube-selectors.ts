import { KubeStatusError, type KubeObject } from './fake-kube-types.js';

type Requirement = { op: 'exists' | 'notexists'; key: string } | { op: 'in' | 'notin'; key: string; values: string[] };

/**
 * Label selector matching as the API server does it (`a=b`, `a==b`, `a!=b`,
 * `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma = AND). Kept here so the
 * fake server checks the store against its own reading of the rules.
 */
export function labelMatcher(selector: string | undefined): (labels: Record<string, string>) => boolean {
  const requirements = parseLabelSelector(selector ?? '');
  return (labels) =>
    requirements.every((req) => {
      const has = Object.hasOwn(labels, req.key);
      switch (req.op) {
        case 'exists':
          return has;
        case 'notexists':
          return !has;
        case 'in':
          return has && req.values.includes(labels[req.key]);
        case 'notin':
          return !has || !req.values.includes(labels[req.key]);
        default: {
          const unreachable: never = req;
          return unreachable;
        }
      }
    });
}

function parseLabelSelector(selector: string): Requirement[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += char;
  }
  terms.push(current);
  return terms
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map(parseTerm);
}

const SET_TERM = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/;
const EQUALITY_TERM = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const KEY = /^(([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function parseTerm(term: string): Requirement {
  const set = SET_TERM.exec(term);
  if (set) {
    return { op: set[2] as 'in' | 'notin', key: checkKey(set[1]), values: set[3].split(',').map((v) => v.trim()) };
  }
  const equality = EQUALITY_TERM.exec(term);
  if (equality) {
    return { op: equality[2] === '!=' ? 'notin' : 'in', key: checkKey(equality[1]), values: [equality[3]] };
  }
  if (term.startsWith('!')) return { op: 'notexists', key: checkKey(term.slice(1).trim()) };
  return { op: 'exists', key: checkKey(term) };
}

function checkKey(key: string): string {
  if (!KEY.test(key))
    throw new KubeStatusError(400, 'BadRequest', `unable to parse requirement: invalid label key "${key}"`);
  return key;
}

/** Custom resources support only `metadata.name` and `metadata.namespace` field selectors. */
export function fieldMatcher(selector: string | undefined): (object: KubeObject) => boolean {
  const terms = (selector ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((term) => {
      const match = /^([^!=]+)(==|=|!=)(.*)$/.exec(term);
      if (!match) throw new KubeStatusError(400, 'BadRequest', `invalid field selector: "${term}"`);
      const field = match[1].trim();
      if (field !== 'metadata.name' && field !== 'metadata.namespace') {
        throw new KubeStatusError(400, 'BadRequest', `field label not supported: ${field}`);
      }
      return { field, negate: match[2] === '!=', value: match[3].trim() };
    });
  return (object) =>
    terms.every(({ field, negate, value }) => {
      const actual = field === 'metadata.name' ? object.metadata?.name : object.metadata?.namespace;
      return (actual === value) !== negate;
    });
}
