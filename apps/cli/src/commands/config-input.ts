import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { CliError, ExitCode } from '../exit-codes.js';

/** `--config <file>` (YAML or JSON) merged with `--set key=value` pairs (values parsed as YAML scalars). */
export async function readConfigInput(
  file: string | undefined,
  pairs: string[] = [],
): Promise<Record<string, unknown> | undefined> {
  let config: Record<string, unknown> | undefined;
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new CliError(`cannot read config file ${file}`, ExitCode.NotFound);
    }
    const parsed: unknown = parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new CliError(`${file} must hold a mapping of config keys`, ExitCode.Usage);
    }
    config = parsed as Record<string, unknown>;
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--set takes key=value, got "${pair}"`, ExitCode.Usage);
    let target = (config ??= {});
    const path = pair.slice(0, eq).split('.');
    for (const key of path.slice(0, -1)) {
      const next = target[key];
      target = (target[key] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
    }
    target[path.at(-1) ?? ''] = parse(pair.slice(eq + 1)) as unknown;
  }
  return config;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
