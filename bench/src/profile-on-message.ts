import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * Lets the harness profile a server process over IPC: 'profile' starts a CPU
 * profile (answered with 'profiling'), '<file>.cpuprofile' stops it and
 * writes it there (answered with the file name). Returns false for any other
 * message, which the caller answers itself.
 */
export function answerProfileMessage(message: unknown): boolean {
  if (message === 'profile') {
    session.connect();
    void session
      .post('Profiler.enable')
      .then(() => session.post('Profiler.start'))
      .then(() => process.send?.('profiling'));
    return true;
  }
  if (typeof message === 'string' && message.endsWith('.cpuprofile')) {
    void session.post('Profiler.stop').then(({ profile }) => {
      writeFileSync(message, JSON.stringify(profile));
      session.disconnect();
      process.send?.(message);
    });
    return true;
  }
  return false;
}

const session = new Session();
