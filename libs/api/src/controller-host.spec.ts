import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Controller, LeaderElection } from './controller.js';
import { ControllerHost } from './controller-host.js';

/** An election the test decides. */
class ScriptedElection implements LeaderElection {
  readonly identity = 'replica-a';
  private onChange: (leading: boolean) => void = () => {};
  private leading = false;
  released: boolean | undefined;

  isLeader(): boolean {
    return this.leading;
  }
  leader(): string | undefined {
    return this.leading ? this.identity : undefined;
  }
  start(onChange: (leading: boolean) => void): Promise<void> {
    this.onChange = onChange;
    return Promise.resolve();
  }
  stop(options: { release?: boolean } = {}): Promise<void> {
    this.released = options.release !== false;
    return Promise.resolve();
  }
  set(leading: boolean): void {
    this.leading = leading;
    this.onChange(leading);
  }
}

function recording(name: string, log: string[], failures = 0): Controller {
  let left = failures;
  return {
    name,
    start: () => {
      if (left-- > 0) return Promise.reject(new Error(`${name} cannot start`));
      log.push(`start ${name}`);
      return Promise.resolve();
    },
    stop: () => {
      log.push(`stop ${name}`);
      return Promise.resolve();
    },
  };
}

describe(ControllerHost.name, () => {
  it('runs controllers only while this replica leads, stopping them in reverse order', async () => {
    const election = new ScriptedElection();
    const host = new ControllerHost(election);
    const log: string[] = [];
    host.register(recording('a', log));
    host.register(recording('b', log));
    await host.start();
    await host.settled();
    assert.deepEqual(log, [], 'nothing runs on a follower');
    election.set(true);
    await host.settled();
    host.register(recording('c', log));
    await host.settled();
    assert.deepEqual(log, ['start a', 'start b', 'start c'], 'one registered while leading starts at once');
    assert.deepEqual(
      host.report().controllers.map((c) => c.state),
      ['running', 'running', 'running'],
    );
    election.set(false);
    await host.settled();
    assert.deepEqual(log.slice(3), ['stop c', 'stop b', 'stop a']);
    assert.equal(host.report().leading, false);
    await host.stop();
    assert.equal(election.released, true, 'shutdown releases the lead');
  });

  it('reports a controller that failed to start, and retries it while leading', async () => {
    const election = new ScriptedElection();
    const host = new ControllerHost(election, { retryDelayMs: 20 });
    const log: string[] = [];
    host.register(recording('flaky', log, 1));
    await host.start();
    election.set(true);
    await host.settled();
    assert.throws(() => host.assertHealthy(), /flaky \(flaky cannot start\)/);
    assert.equal(host.report().controllers[0].state, 'failed');
    const deadline = Date.now() + 2_000;
    while (host.report().controllers[0].state !== 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    host.assertHealthy();
    assert.deepEqual(log, ['start flaky']);
    await host.stop();
  });

  it('refuses two controllers of one name', () => {
    const host = new ControllerHost(new ScriptedElection());
    host.register(recording('x', []));
    assert.throws(() => host.register(recording('x', [])), /already registered/);
  });
});
