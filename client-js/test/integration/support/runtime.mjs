/**
 * `./parley local` started by the test: a real runtime (WebSocket gateway, functions, DynamoDB
 * Local) on a free port, ready when it prints the `PARLEY READY {...}` line docs/protocol.md promises.
 *
 * From Maven (`mvn verify`), PARLEY_RUNTIME_CLASSPATH names the runtime just built, and the test
 * runs its entry point with java directly (./parley local would start a nested build). Run by hand
 * (`npm test`), it starts ../parley local, which builds the runtime first when needed.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** Runtimes started by this process: killed with it, so a failed or timed-out test leaves none behind. */
const children = new Set();
function killChildren() {
  for (const child of children) child.kill('SIGKILL');
}
process.once('exit', killChildren);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    killChildren();
    process.exit(1);
  });
}

/** The first start may build the runtime (./parley local); later ones take seconds. */
const READY_WITHIN_MS = Number(process.env.PARLEY_READY_WITHIN_MS ?? 300_000);

function command(args) {
  const classpath = process.env.PARLEY_RUNTIME_CLASSPATH;
  if (classpath) {
    const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
    const natives = process.env.PARLEY_SQLITE_NATIVES ?? join(REPO, 'local-runtime', 'target', 'native-libs');
    return [java, ['-Xmx384m', `-Dsqlite4java.library.path=${natives}`, '-cp', classpath, 'dev.parley.local.Main', ...args]];
  }
  return [join(REPO, 'parley'), ['local', ...args]];
}

/**
 * Starts a runtime. `port` 0 picks a free one; `data` keeps its tables (and token key) in a
 * folder, so a restart on the same folder keeps everything. Sends are not rate limited, as in
 * the Java integration tests (the limit has tests of its own).
 */
export async function startRuntime({ port = 0, data } = {}) {
  const args = ['--port', String(port), '--log-level', 'WARN', '--send-rate', '100000', '--send-burst', '100000'];
  if (data) args.push('--data', data);
  const logDir = mkdtempSync(join(tmpdir(), 'parley-js-runtime-'));
  const logFile = join(logDir, 'runtime.log');
  const log = createWriteStream(logFile);
  const [program, programArgs] = command(args);
  const child = spawn(program, programArgs, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const startedAt = Date.now();
  child.stderr.pipe(log, { end: false });
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  const ready = await new Promise((resolveReady, reject) => {
    let buffered = '';
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`no PARLEY READY within ${READY_WITHIN_MS} ms`)), READY_WITHIN_MS);
    function fail(error) {
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}; the runtime's output is in ${logFile}:\n${tail(logFile)}`));
    }
    child.stdout.on('data', (chunk) => {
      log.write(chunk);
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.startsWith('PARLEY READY '));
      if (line !== undefined) {
        clearTimeout(timer);
        settled = true;
        resolveReady(JSON.parse(line.slice('PARLEY READY '.length)));
      }
    });
    child.once('exit', (code) => {
      if (!settled) fail(new Error(`the runtime exited with ${code} before it was ready`));
    });
    child.once('error', (e) => fail(e));
  });
  child.stdout.on('data', (chunk) => log.write(chunk));
  console.log(`# runtime ready on port ${new URL(ready.connectionsUrl).port} after ${Date.now() - startedAt} ms${data ? ' (--data)' : ''}`);
  const runtime = {
    ...ready,
    port: Number(new URL(ready.connectionsUrl).port),
    logFile,
    /** A token from the runtime's development issuer. */
    async token(userId, deviceId) {
      const response = await fetch(`${ready.connectionsUrl}/dev/token`, {
        method: 'POST', body: JSON.stringify(deviceId ? { userId, deviceId } : { userId }),
      });
      if (!response.ok) throw new Error(`token refused: ${response.status} ${await response.text()}`);
      return (await response.json()).token;
    },
    /** SIGKILL: no shutdown hook, no $disconnect; open sockets are reset by the kernel. */
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    /** SIGTERM, as Ctrl-C; SIGKILL if it lingers. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return runtime;
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no output)';
  }
}

/** A user name no other test uses. */
export function user(name) {
  return `${name}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Waits until `condition()` is truthy, checking every 20 ms; fails after `withinMs` saying what it waited for. */
export async function until(condition, what, withinMs = 30_000) {
  const started = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() - started > withinMs) throw new Error(`timed out after ${withinMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
