import { load } from './autocannon.js';
import { median } from './stats.js';

export interface AuthOverhead {
  /** Median over rounds of (authenticated req/s) / (public req/s), measured back to back. */
  bearerRatio: number;
  apiKeyRatio: number;
  /** Bearer vs public GET carrying a header as long as the token: the server-side cost alone (the client is on the same cores). */
  bearerVsPaddedRatio: number;
  publicRps: number;
}

/**
 * The same GET with a bearer token, with an API key, and anonymously on a
 * path made public, interleaved over several rounds so that the shared
 * machine's drift hits every case alike; reports the median ratios.
 */
export async function measureAuthOverhead(options: {
  url: string;
  bearer: string;
  apiKey: string;
  makePublic: () => void;
  rounds: number;
  duration: number;
  connections: number;
}): Promise<AuthOverhead> {
  const { url, rounds, duration, connections } = options;
  options.makePublic();
  const cases = {
    bearer: { authorization: `Bearer ${options.bearer}` },
    apiKey: { authorization: `Bearer ${options.apiKey}` },
    public: {},
    // Same bytes on the wire as the bearer case, but nothing to authenticate.
    padded: { 'x-padding': `Bearer ${options.bearer}` },
  };
  for (const headers of Object.values(cases)) await load({ url, headers, duration: 1, connections });
  const bearer: number[] = [];
  const apiKey: number[] = [];
  const publicRps: number[] = [];
  const padded: number[] = [];
  const names = Object.keys(cases) as Array<keyof typeof cases>;
  for (let round = 0; round < rounds; round++) {
    // Each round starts with another case, so drift of the shared machine does not favour one.
    const rps: Partial<Record<keyof typeof cases, number>> = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      rps[name] = (await load({ url, headers: cases[name], duration, connections })).requests.average;
    }
    bearer.push(rps.bearer! / rps.public!);
    apiKey.push(rps.apiKey! / rps.public!);
    padded.push(rps.bearer! / rps.padded!);
    publicRps.push(rps.public!);
  }
  return {
    bearerRatio: median(bearer),
    apiKeyRatio: median(apiKey),
    bearerVsPaddedRatio: median(padded),
    publicRps: median(publicRps),
  };
}
