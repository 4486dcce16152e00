import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import {
  CONFIG_SOURCES,
  DEFAULT_CONFIG,
  KernelConfigSchema,
  MUST_BE,
  leaderElectionTimings,
  type KernelConfig,
} from './kernel-config.schema.js';

/** A configuration mistake; its message is the one line printed before exiting with code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

function fromEnv(value: string, defaultValue: unknown): unknown {
  // Environment values are strings; numbers and booleans are converted only when they look like one, so "abc" stays wrong.
  if (typeof defaultValue === 'boolean' && /^(true|false)$/.test(value.trim())) return value.trim() === 'true';
  // Lists are comma-separated (MORTISE_EXTENSIONS=/opt/ext/a,/opt/ext/b) unless written as JSON.
  if (Array.isArray(defaultValue) && !value.trim().startsWith('[')) {
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }
  if (typeof defaultValue === 'object' && defaultValue !== null) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  return typeof defaultValue === 'number' && NUMERIC.test(value.trim()) ? Number(value) : value;
}

function readYaml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`invalid configuration: cannot read MORTISE_CONFIG file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`invalid configuration: ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`invalid configuration: ${path} must hold a YAML mapping of settings`);
  }
  const known = new Set(Object.values(CONFIG_SOURCES).map((s) => s.yaml));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) {
      throw new ConfigError(
        `invalid configuration: unknown setting "${key}" in ${path}; known: ${[...known].join(', ')}`,
      );
    }
  }
  return parsed as Record<string, unknown>;
}

/**
 * Defaults, then the YAML file named by `MORTISE_CONFIG`, then `MORTISE_*`
 * variables; checked against the one schema. The first wrong setting is
 * reported by the name the operator used to set it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): KernelConfig {
  const file = env.MORTISE_CONFIG ? readYaml(env.MORTISE_CONFIG) : {};
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  const origin: Record<string, string> = {};
  for (const [key, source] of Object.entries(CONFIG_SOURCES)) {
    const defaultValue = DEFAULT_CONFIG[key as keyof KernelConfig];
    if (file[source.yaml] !== undefined) {
      config[key] = file[source.yaml];
      origin[key] = `${source.yaml} (in ${env.MORTISE_CONFIG})`;
    }
    const fromEnvironment = env[source.env];
    if (fromEnvironment !== undefined && fromEnvironment !== '') {
      config[key] = fromEnv(fromEnvironment, defaultValue);
      origin[key] = source.env;
    }
  }
  const firstError = Value.Errors(KernelConfigSchema, config).First();
  if (firstError) {
    const key = firstError.path.split('/')[1] ?? '';
    const schema = KernelConfigSchema.properties[key as keyof KernelConfig] as unknown as
      Record<string, unknown> | undefined;
    const name = origin[key] ?? CONFIG_SOURCES[key as keyof KernelConfig]?.env ?? key;
    const mustBe = typeof schema?.[MUST_BE] === 'string' ? schema[MUST_BE] : 'valid';
    const raw = env[CONFIG_SOURCES[key as keyof KernelConfig]?.env ?? ''] ?? config[key];
    throw new ConfigError(`invalid configuration: ${name} must be ${mustBe}, got ${JSON.stringify(raw)}`);
  }
  const timings = leaderElectionTimings(config as KernelConfig);
  if (!(
    timings.leaseDurationSeconds > timings.renewDeadlineSeconds &&
    timings.renewDeadlineSeconds > timings.retryPeriodSeconds
  )) {
    const name = origin['leaderElection'] ?? CONFIG_SOURCES.leaderElection.env;
    throw new ConfigError(
      `invalid configuration: ${name} must have leaseDurationSeconds > renewDeadlineSeconds > retryPeriodSeconds, got ${timings.leaseDurationSeconds}, ${timings.renewDeadlineSeconds}, ${timings.retryPeriodSeconds}`,
    );
  }
  return config as KernelConfig;
}
