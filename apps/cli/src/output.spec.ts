import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliError, ExitCode, exitCodeForHttpStatus } from './exit-codes.js';
import { describeErrorBody, kernelError } from './kernel-status.js';
import { Output, renderTable } from './output.js';

function capture(): {
  streams: { stdout: { write(s: string): void }; stderr: { write(s: string): void } };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    streams: { stdout: { write: (s) => void out.push(s) }, stderr: { write: (s) => void err.push(s) } },
    out,
    err,
  };
}

describe(Output.name, () => {
  it('writes only the JSON document to stdout with --output json, progress to stderr', () => {
    const { streams, out, err } = capture();
    const output = new Output('json', streams);
    output.progress('step one');
    output.result({ name: 'x', items: [1] }, () => 'ignored');
    assert.deepEqual(JSON.parse(out.join('')), { name: 'x', items: [1] });
    assert.deepEqual(err, ['step one\n']);
  });

  it('writes the text rendering for people', () => {
    const { streams, out } = capture();
    new Output('text', streams).result({ a: 1 }, () => 'one line');
    assert.deepEqual(out, ['one line\n']);
  });

  it('drops progress with --quiet', () => {
    const { streams, err } = capture();
    new Output('text', streams, true).progress('hidden');
    assert.deepEqual(err, []);
  });

  it('reports an error as one line, and as {"error"} on stdout for scripts, returning its exit code', () => {
    const { streams, out, err } = capture();
    const code = new Output('json', streams).error(new CliError('plan "x" not found', ExitCode.NotFound, 'NotFound'));
    assert.equal(code, ExitCode.NotFound);
    assert.deepEqual(err, ['error: plan "x" not found\n']);
    assert.deepEqual(JSON.parse(out.join('')), {
      error: { message: 'plan "x" not found', exitCode: 4, reason: 'NotFound' },
    });
  });

  it('treats an unexpected error as a failure (exit 1)', () => {
    const { streams } = capture();
    assert.equal(new Output('text', streams).error(new Error('boom')), ExitCode.Failed);
  });
});

describe('kernel errors', () => {
  it('turn a Status into one line with its reason, message and each invalid field', () => {
    const line = describeErrorBody(422, {
      kind: 'Status',
      reason: 'Invalid',
      message: 'InstallPlan "x" is invalid',
      details: {
        causes: [
          { field: 'spec.extension.version', message: 'must be a string' },
          { field: 'metadata.name', message: 'bad' },
        ],
      },
    });
    assert.equal(
      line,
      'Invalid: InstallPlan "x" is invalid (spec.extension.version: must be a string; metadata.name: bad)',
    );
    assert.ok(!line.includes('\n'));
  });

  it('name the HTTP status when the body is no Status', () => {
    assert.equal(describeErrorBody(502, 'Bad Gateway'), 'HTTP 502: Bad Gateway');
    assert.equal(describeErrorBody(500, undefined), 'HTTP 500: no message');
  });

  it('read RFC 6749 errors of the token endpoint, and make a rejected grant exit 3', () => {
    const err = kernelError(400, { error: 'invalid_grant', error_description: 'wrong username or password' });
    assert.equal(err.message, 'invalid_grant: wrong username or password');
    assert.equal(err.exitCode, ExitCode.Unauthorized);
  });

  it('map HTTP statuses to exit codes', () => {
    const cases: [number, ExitCode][] = [
      [401, ExitCode.Unauthorized],
      [403, ExitCode.Unauthorized],
      [404, ExitCode.NotFound],
      [409, ExitCode.Conflict],
      [504, ExitCode.Conflict],
      [422, ExitCode.Usage],
      [500, ExitCode.Failed],
      [503, ExitCode.Failed],
    ];
    for (const [status, code] of cases) assert.equal(exitCodeForHttpStatus(status), code, `HTTP ${status}`);
    assert.equal(kernelError(409, { reason: 'AlreadyExists', message: 'exists' }).reason, 'AlreadyExists');
  });
});

describe(renderTable.name, () => {
  it('aligns columns under upper-case headers', () => {
    assert.equal(
      renderTable(
        ['name', 'state'],
        [
          ['a', 'Installed'],
          ['longer', '-'],
        ],
      ),
      'NAME     STATE\na        Installed\nlonger   -',
    );
  });
});
