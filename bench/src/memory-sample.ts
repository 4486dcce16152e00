import { readFileSync } from 'node:fs';
import { getHeapCodeStatistics, getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/** One process's memory after a full GC, in MiB. */
export interface MemorySample {
  rss: number;
  /** Resident anonymous memory (V8 heap, malloc) and file-backed pages (the node binary, mapped files), from /proc. */
  rssAnon: number;
  rssFile: number;
  heapTotal: number;
  heapUsed: number;
  /** Memory V8 got from malloc outside its heap (zones, compiler), and external memory it was told of (buffers). */
  malloced: number;
  external: number;
  /** Used size of each V8 heap space (old_space, code_space, ...). */
  spaces: Record<string, number>;
  /** Bytecode, machine code and script sources held by V8. */
  code: { bytecode: number; machineCode: number; scriptSources: number };
}

const MiB = 2 ** 20;

/** Resident set split by kind, from /proc/self/status (Linux); zeros elsewhere. */
function residentByKind(): { rssAnon: number; rssFile: number } {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return { rssAnon: 0, rssFile: 0 };
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssAnon: kib('RssAnon') / 1024, rssFile: kib('RssFile') / 1024 };
}

/** Samples memory after two full GCs (needs `--expose-gc`), so what is left is what is retained. */
export function sampleMemory(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  const { rss, heapTotal, heapUsed } = process.memoryUsage();
  const heap = getHeapStatistics();
  const code = getHeapCodeStatistics();
  return {
    rss: rss / MiB,
    ...residentByKind(),
    heapTotal: heapTotal / MiB,
    heapUsed: heapUsed / MiB,
    malloced: heap.malloced_memory / MiB,
    external: heap.external_memory / MiB,
    spaces: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size / MiB])),
    code: {
      bytecode: code.bytecode_and_metadata_size / MiB,
      machineCode: code.code_and_metadata_size / MiB,
      scriptSources: code.external_script_source_size / MiB,
    },
  };
}
