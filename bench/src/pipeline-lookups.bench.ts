/**
 * The pipeline's three per-request lookups and its request id, each against
 * the way it was done before, in the same run: RequestInfo parsed vs taken
 * from the RequestInfoCache; an RBAC decision for a fresh RequestInfo (key
 * string built) vs for the shared one; a bearer token looked up by its string
 * vs remembered on its connection; a request id concatenated vs made flat by
 * RequestIdSequence, each checked as Node checks a header value and put in a
 * header line. Every request gets a fresh header and URL string, as Node's
 * parser gives. Loop figures: in a server each costs several times more, but
 * the ratio is what the change bought.
 * Run: node bench/dist/pipeline-lookups.bench.js [iterations=400000]
 */
import type { Caller } from '@mortise/api';
import {
  RbacAuthorizer,
  RbacIndex,
  RequestInfoCache,
  bindingObject,
  resolveRequestInfo,
  roleObject,
} from '@mortise/authz';
import { BearerTokenAuthenticator } from '@mortise/iam';
import { RequestIdSequence } from '@mortise/apiserver';
import { randomUUID } from 'node:crypto';
import { validateHeaderValue } from 'node:http';
import { startBenchIdentity } from './bench-identity.js';
import { median } from './stats.js';

const ITERATIONS = Number(process.argv[2] ?? 400_000);
const RUNS = 5;
const URL_PATH = '/kapis/ping.bench.mortise.io/v1/namespaces/p1/ping';

/** A copy of `s` in a new string, whose hash is not computed yet. */
const fresh = (s: string): string => (s + ' ').slice(0, -1);

/** Median µs per call over RUNS runs, after one warm-up run. */
function micros(run: () => unknown): number {
  const times: number[] = [];
  for (let r = 0; r <= RUNS; r++) {
    const start = performance.now();
    for (let i = 0; i < ITERATIONS; i++) run();
    if (r > 0) times.push(((performance.now() - start) * 1000) / ITERATIONS);
  }
  return median(times);
}

function compare(name: string, before: () => unknown, after: () => unknown) {
  const beforeMicros = micros(before);
  const afterMicros = micros(after);
  return {
    name,
    beforeMicros: Number(beforeMicros.toFixed(3)),
    afterMicros: Number(afterMicros.toFixed(3)),
    speedup: Number((beforeMicros / afterMicros).toFixed(1)),
  };
}

const infos = new RequestInfoCache();
const results = [
  compare(
    'RequestInfo',
    () => resolveRequestInfo('GET', fresh(URL_PATH)),
    () => infos.resolve('GET', fresh(URL_PATH)),
  ),
];

let version = 0;
const index = new RbacIndex();
const add = (object: Parameters<RbacIndex['apply']>[1]) =>
  index.apply('ADDED', { ...object, metadata: { ...object.metadata, resourceVersion: String(++version) } });
add(
  roleObject('GlobalRole', 'ping', { level: 'global' }, [
    { apiGroups: ['ping.bench.mortise.io'], resources: ['ping'], verbs: ['list'] },
  ]),
);
add(bindingObject('GlobalRoleBinding', 'ping', { level: 'global' }, 'ping', [{ kind: 'User', name: 'bench' }]));
const authorizer = new RbacAuthorizer(index);
const caller: Caller = { user: { username: 'bench', uid: 'u', groups: [] }, credential: 'token' };
const shared = infos.resolve('GET', URL_PATH);
if (!authorizer.authorize(caller, shared).allowed) throw new Error('the bench caller is denied');
results.push(
  compare(
    'RBAC decision',
    () => authorizer.authorize(caller, { ...shared }),
    () => authorizer.authorize(caller, shared),
  ),
);

const { identity, user: userInfo, sid } = await startBenchIdentity();
try {
  const header = `Bearer ${identity.tokens.issue(userInfo, 'console', sid, 3600).token}`;
  const strategy = new BearerTokenAuthenticator(identity.tokens);
  const socket = {};
  const request = (withSocket: boolean) => ({
    method: 'GET',
    url: URL_PATH,
    ip: '127.0.0.1',
    headers: { authorization: fresh(header) },
    ...(withSocket ? { socket } : {}),
  });
  results.push(
    compare(
      'bearer token',
      () => strategy.authenticate(request(false)),
      () => strategy.authenticate(request(true)),
    ),
  );
} finally {
  identity.stop();
}

// The id as it was made before: a random prefix and the sequence, formatted and concatenated.
const prefix = randomUUID().slice(0, 24);
let sequence = 0;
const concatenatedId = () => prefix + (sequence = (sequence + 1) % 2 ** 48).toString(16).padStart(12, '0');
const ids = new RequestIdSequence(prefix);
/** What Node does with the id of an answer: check the value, then write it in the head. */
const asHeader = (id: string) => {
  validateHeaderValue('x-request-id', id);
  const line = `x-request-id: ${id}\r\n`;
  return line.charCodeAt(line.length - 3);
};
results.push(
  compare(
    'request id',
    () => asHeader(concatenatedId()),
    () => asHeader(ids.next()),
  ),
);

for (const r of results) {
  console.log(`${r.name}: ${r.beforeMicros} → ${r.afterMicros} µs per request (${r.speedup}× faster)`);
}
console.log(JSON.stringify({ bench: 'pipeline-lookups', iterations: ITERATIONS, results }));
