import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { IamSettingsSchema } from '@mortise/iam';
import { RegistrySettingsSchema } from '@mortise/registry';

/** How each setting is described in the one-line error when it is wrong. */
export const MUST_BE = 'x-must-be';

function described<T extends TSchema>(schema: T, mustBe: string, description?: string): T {
  return { ...schema, [MUST_BE]: mustBe, ...(description === undefined ? {} : { description }) };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The one schema for kernel configuration, from `mortise.yaml` and `MORTISE_*` environment variables. */
export const KernelConfigSchema = Type.Object({
  port: described(
    Type.Integer({ minimum: 0, maximum: 65535, description: 'listening port; 0 picks a free one' }),
    'an integer 0-65535',
  ),
  host: described(Type.String({ minLength: 1, description: 'listening address' }), 'a host name or IP address'),
  dataDir: described(
    Type.String({ minLength: 1, description: 'where the sqlite store keeps its file, `mortise.db`' }),
    'a directory path',
  ),
  store: described(
    Type.Union([Type.Literal('sqlite'), Type.Literal('memory'), Type.Literal('kubernetes')], {
      description:
        '`sqlite`: one file in the data dir, one kernel process; `memory`: nothing survives a restart; `kubernetes`: custom resources and Secrets in a namespace, for several replicas (CRDs from `deploy/crds`, cluster from the service account or `KUBECONFIG`; see `libs/store/README.md`)',
    }),
    'one of sqlite, memory, kubernetes',
  ),
  storeNamespace: described(
    Type.Union([Type.Literal(''), Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 })], {
      description: "the kubernetes store's namespace; empty: the kubeconfig context's, in a pod its own",
    }),
    'a Kubernetes namespace name (DNS-1123 label) or empty',
  ),
  storeKubeconfig: described(
    Type.String({
      description:
        "kubeconfig file of the kubernetes store and leader election; empty: the pod's service account, else `KUBECONFIG`",
    }),
    'a file path, or empty',
  ),
  leaderElection: described(
    Type.Object(
      {
        leaseName: Type.Optional(
          Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253, description: 'the Lease' }),
        ),
        leaseDurationSeconds: Type.Optional(
          Type.Number({
            exclusiveMinimum: 0,
            maximum: 3600,
            description: 'followers take an unrenewed lease after this',
          }),
        ),
        renewDeadlineSeconds: Type.Optional(
          Type.Number({
            exclusiveMinimum: 0,
            maximum: 3600,
            description: 'the leader steps down after this without renewal',
          }),
        ),
        retryPeriodSeconds: Type.Optional(
          Type.Number({ exclusiveMinimum: 0, maximum: 3600, description: 'how often to renew or try to acquire' }),
        ),
      },
      { additionalProperties: false },
    ),
    'a mapping of leaseName, leaseDurationSeconds > renewDeadlineSeconds > retryPeriodSeconds',
    'kubernetes store only: the controllers (install plans, repository sync, role aggregation, key rotation) run on one replica, elected with a `coordination.k8s.io/v1` Lease in `storeNamespace`: `leaseName` (`mortise-controllers`), `leaseDurationSeconds` (15), `renewDeadlineSeconds` (10), `retryPeriodSeconds` (2); a dead leader is replaced within about the lease duration plus a retry period; as JSON in the variable. With sqlite or memory the one kernel always leads',
  ),
  logLevel: described(
    Type.Union(
      LOG_LEVELS.map((l) => Type.Literal(l)),
      { description: 'least severe level of the JSON log lines on stdout' },
    ),
    `one of ${LOG_LEVELS.join(', ')}`,
  ),
  bodyLimit: described(
    Type.Integer({
      minimum: 1024,
      maximum: 1024 * 1024 * 1024,
      description: 'largest request body in bytes; more is 413',
    }),
    'an integer number of bytes 1024-1073741824',
  ),
  publicUrl: described(
    Type.String({ pattern: '^(https?://[^\\s]+)?$' }),
    'an http(s) URL, or empty',
    'external base URL: the token issuer and discovery base; empty: the address the kernel listens on',
  ),
  metricsPublic: described(
    Type.Boolean(),
    'true or false',
    '`false` moves `/metrics` behind authentication (and, once roles exist, a role)',
  ),
  identity: described(
    IamSettingsSchema,
    'a mapping of identity settings (see libs/iam/README.md)',
    'token lifetimes, lockout, rate limits, password length, OAuth clients, `keyEncryptionKey`, key rotation; as JSON in the variable',
  ),
  shutdownTimeoutSeconds: described(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 3600,
      description: 'how long in-flight requests may take to finish on SIGTERM',
    }),
    'a number of seconds above 0, at most 3600',
  ),
  /** Directories of built in-process extensions to install at start (until install plans drive installs). */
  extensions: described(
    Type.Array(Type.String({ minLength: 1 }), {
      description: 'built in-process extensions to install at start; comma-separated or JSON in the variable',
    }),
    'a list of extension package directories',
  ),
  /** Serve `POST /kapis/extensions.mortise.io/v1/devloads` (platform admins load a directory: `mortise dev`). */
  devLoads: described(
    Type.Boolean({
      description:
        '`true` serves `POST /kapis/extensions.mortise.io/v1/devloads`: platform admins load an extension directory (`mortise dev`)',
    }),
    'true or false',
  ),
  registry: described(
    RegistrySettingsSchema,
    'a mapping of registry settings (see libs/registry/README.md)',
    '`trustedKeys` (publisher public keys), `allowUnsigned`, `localRepository` (`<dataDir>/repository`, default on), `seed`; as JSON in the variable',
  ),
});

export type KernelConfig = Static<typeof KernelConfigSchema>;

export const DEFAULT_CONFIG: KernelConfig = {
  port: 8080,
  host: '0.0.0.0',
  dataDir: './data',
  store: 'sqlite',
  storeNamespace: '',
  storeKubeconfig: '',
  leaderElection: {},
  logLevel: 'info',
  bodyLimit: 1024 * 1024,
  publicUrl: '',
  metricsPublic: true,
  identity: {},
  shutdownTimeoutSeconds: 10,
  extensions: [],
  devLoads: false,
  registry: {},
};

/** Environment variable and YAML key of each setting. */
export const CONFIG_SOURCES: Record<keyof KernelConfig, { env: string; yaml: string }> = {
  port: { env: 'MORTISE_PORT', yaml: 'port' },
  host: { env: 'MORTISE_HOST', yaml: 'host' },
  dataDir: { env: 'MORTISE_DATA_DIR', yaml: 'dataDir' },
  store: { env: 'MORTISE_STORE', yaml: 'store' },
  storeNamespace: { env: 'MORTISE_STORE_NAMESPACE', yaml: 'storeNamespace' },
  storeKubeconfig: { env: 'MORTISE_STORE_KUBECONFIG', yaml: 'storeKubeconfig' },
  leaderElection: { env: 'MORTISE_LEADER_ELECTION', yaml: 'leaderElection' },
  logLevel: { env: 'MORTISE_LOG_LEVEL', yaml: 'logLevel' },
  bodyLimit: { env: 'MORTISE_BODY_LIMIT', yaml: 'bodyLimit' },
  publicUrl: { env: 'MORTISE_PUBLIC_URL', yaml: 'publicUrl' },
  metricsPublic: { env: 'MORTISE_METRICS_PUBLIC', yaml: 'metricsPublic' },
  identity: { env: 'MORTISE_IDENTITY', yaml: 'identity' },
  shutdownTimeoutSeconds: { env: 'MORTISE_SHUTDOWN_TIMEOUT', yaml: 'shutdownTimeoutSeconds' },
  extensions: { env: 'MORTISE_EXTENSIONS', yaml: 'extensions' },
  devLoads: { env: 'MORTISE_DEV_LOADS', yaml: 'devLoads' },
  registry: { env: 'MORTISE_REGISTRY', yaml: 'registry' },
};

/**
 * Variables read outside the settings above: the file itself, and the
 * first admin's password (a secret, so never in `mortise.yaml`).
 */
export const ENVIRONMENT_ONLY: Record<string, string> = {
  MORTISE_CONFIG: 'path of the YAML file holding the settings below',
  MORTISE_ADMIN_PASSWORD: 'password of the first `admin` (first start only); unset: generated and printed once',
};

/** Leader-election timings with their defaults (those of Kubernetes' own controller manager). */
export interface LeaderElectionTimings {
  leaseName: string;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
}

export function leaderElectionTimings(config: Pick<KernelConfig, 'leaderElection'>): LeaderElectionTimings {
  return {
    leaseName: 'mortise-controllers',
    leaseDurationSeconds: 15,
    renewDeadlineSeconds: 10,
    retryPeriodSeconds: 2,
    ...config.leaderElection,
  };
}
