#!/usr/bin/env node
/**
 * Builds @parley/client for the Maven build: `npm ci` when node_modules is missing or older than
 * package-lock.json, then `tsc` when a source is newer than dist/ (a no-op build takes a moment,
 * so ./parley local stays quick), then, with `--copy-to DIR`, copies the ES modules into DIR (the
 * local runtime's web resources, so the page loads the client from its own origin).
 *
 *   node client-js/scripts/build.mjs [--copy-to DIR]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : -1;
}

function newest(dir) {
  let latest = -1;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : mtime(path));
  }
  return latest;
}

function run(program, args) {
  console.log(`client-js: ${program} ${args.join(' ')}`);
  execFileSync(program, args, { cwd: ROOT, stdio: 'inherit' });
}

const installed = join(ROOT, 'node_modules', '.package-lock.json');
if (mtime(installed) < mtime(join(ROOT, 'package-lock.json')) || !existsSync(join(ROOT, 'node_modules', 'typescript'))) {
  // --ignore-scripts: `prepare` would build too; the build follows right below.
  run(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
}
const built = join(ROOT, 'dist', 'index.js');
if (mtime(built) < Math.max(newest(join(ROOT, 'src')), mtime(join(ROOT, 'tsconfig.json')))) {
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', ROOT]);
}

const at = process.argv.indexOf('--copy-to');
if (at > 0) {
  const target = resolve(process.argv[at + 1]);
  mkdirSync(target, { recursive: true });
  const files = readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.js'));
  for (const file of files) copyFileSync(join(ROOT, 'dist', file), join(target, file));
  console.log(`client-js: ${files.length} modules copied to ${target}`);
}
