// A child process for the sqlite spec: `write <dir>` creates objects forever,
// printing each name once its create has returned; `open <dir>` opens the
// store, reports the outcome and exits.
import { SqliteStore } from './sqlite.store.js';

const [mode, dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: sqlite-process.fixture.js write|open <dataDir>');

if (mode === 'write') {
  const store = SqliteStore.open({ dataDir });
  for (let i = 0; ; i++) {
    const name = `crash-${i}`;
    await store.create({ apiVersion: 'test.mortise.io/v1', kind: 'Widget', metadata: { name }, spec: { i } });
    process.stdout.write(`${name}\n`);
  }
} else {
  try {
    const store = SqliteStore.open({ dataDir });
    await store.close();
    process.stdout.write('opened\n');
  } catch (error) {
    process.stdout.write(`refused: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
