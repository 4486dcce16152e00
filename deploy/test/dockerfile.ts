import { readFileSync } from 'node:fs';

export interface Instruction {
  /** Upper-cased: FROM, RUN, COPY, … */
  keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  args: string;
}

export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Just enough of the Dockerfile grammar for the specs: comments, `\` continuations, stages. */
export function parseDockerfile(path: string): Stage[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === '')) continue;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const [keyword = '', ...rest] = pending.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') });
    pending = '';
  }
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The exec form (`["a", "b"]`) of CMD, ENTRYPOINT or HEALTHCHECK CMD; throws on the shell form. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`not an exec form: ${args}`);
  }
  return parsed;
}

export interface CopyFrom {
  stage: string;
  sources: string[];
  destination: string;
}

/** `COPY --from=<stage> <src>... <dest>` instructions of a stage. */
export function copiesFrom(stage: Stage): CopyFrom[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' && i.args.startsWith('--from='))
    .map((i) => {
      const [from = '', ...paths] = i.args.split(/\s+/);
      const destination = paths.pop() ?? '';
      return { stage: from.slice('--from='.length), sources: paths, destination };
    });
}

export function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}
