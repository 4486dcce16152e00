import { BadRequestError } from '@mortise/api';

/** A compiled label selector: true when the labels satisfy every requirement. */
export type LabelMatcher = (labels: Readonly<Record<string, string>> | undefined) => boolean;

const KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const KEY_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const KEY_CHARS = '[-A-Za-z0-9_./]+';
const SET_FORM = new RegExp(`^(${KEY_CHARS})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EQUALITY_FORM = new RegExp(`^(${KEY_CHARS})\\s*(==|=|!=)\\s*(.*)$`);
const EXISTS_FORM = new RegExp(`^(!?)\\s*(${KEY_CHARS})$`);

/**
 * Compiles a Kubernetes label selector (`a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, comma-separated and all required). Empty matches
 * everything. A malformed selector is a BadRequestError naming the bad part.
 */
export function compileLabelSelector(selector: string | undefined): LabelMatcher {
  const parts = splitTopLevel(selector ?? '');
  const requirements = parts.map(compileRequirement);
  return (labels) => requirements.every((matches) => matches(labels ?? {}));
}

type Requirement = (labels: Readonly<Record<string, string>>) => boolean;

function compileRequirement(part: string): Requirement {
  const set = SET_FORM.exec(part);
  if (set) {
    const key = checkKey(set[1], part);
    const values = new Set(set[3].split(',').map((v) => checkValue(v.trim(), part)));
    if (set[3].trim() === '') throw invalid(part, 'a set needs at least one value');
    return set[2] === 'in'
      ? (labels) => Object.hasOwn(labels, key) && values.has(labels[key])
      : (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key]);
  }
  const equality = EQUALITY_FORM.exec(part);
  if (equality) {
    const key = checkKey(equality[1], part);
    const value = checkValue(equality[3].trim(), part);
    return equality[2] === '!='
      ? (labels) => !Object.hasOwn(labels, key) || labels[key] !== value
      : (labels) => Object.hasOwn(labels, key) && labels[key] === value;
  }
  const exists = EXISTS_FORM.exec(part);
  if (exists) {
    const key = checkKey(exists[2], part);
    return exists[1] === '!' ? (labels) => !Object.hasOwn(labels, key) : (labels) => Object.hasOwn(labels, key);
  }
  throw invalid(part, 'expected key, !key, key=value, key==value, key!=value, key in (…) or key notin (…)');
}

/** Splits on commas outside parentheses; rejects unbalanced parentheses and empty requirements. */
function splitTopLevel(selector: string): string[] {
  if (selector.trim() === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth < 0 || depth > 1) throw invalid(selector, 'unbalanced parentheses');
    if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0) throw invalid(selector, 'unbalanced parentheses');
  parts.push(selector.slice(start).trim());
  if (parts.some((p) => p === '')) throw invalid(selector, 'empty requirement');
  return parts;
}

function checkKey(key: string, part: string): string {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefixOk = prefix === undefined || (prefix.length <= 253 && KEY_PREFIX.test(prefix));
  if (!prefixOk || name.length > 63 || !KEY_NAME.test(name)) {
    throw invalid(part, `"${key}" is not a valid label key`);
  }
  return key;
}

function checkValue(value: string, part: string): string {
  if (value.length > 63 || !VALUE.test(value)) throw invalid(part, `"${value}" is not a valid label value`);
  return value;
}

function invalid(part: string, why: string): BadRequestError {
  return new BadRequestError(`invalid label selector "${part}": ${why}`);
}
