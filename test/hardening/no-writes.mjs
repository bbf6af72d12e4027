// Preload (node --import) that records every file-system write the process attempts, with the
// caller's stack, and prints one `FSWRITE <api> <path>` line per call to stderr at exit. Writes
// made by the tsx loader (its transform cache) are not chainprobe's and are ignored.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const WRITE_APIS = [
  'writeFile',
  'writeFileSync',
  'appendFile',
  'appendFileSync',
  'createWriteStream',
  'mkdir',
  'mkdirSync',
  'mkdtemp',
  'mkdtempSync',
  'rm',
  'rmSync',
  'rmdir',
  'rmdirSync',
  'unlink',
  'unlinkSync',
  'rename',
  'renameSync',
  'copyFile',
  'copyFileSync',
  'cp',
  'cpSync',
  'symlink',
  'symlinkSync',
  'truncate',
  'truncateSync',
  'chmod',
  'chmodSync',
  'utimes',
  'utimesSync',
];
const PROMISE_APIS = [
  'writeFile',
  'appendFile',
  'mkdir',
  'mkdtemp',
  'rm',
  'rmdir',
  'unlink',
  'rename',
  'copyFile',
  'cp',
  'symlink',
  'truncate',
  'chmod',
  'utimes',
];
const seen = [];

function isWriteOpen(flags) {
  return typeof flags === 'string'
    ? /[wa+]/.test(flags)
    : typeof flags === 'number' && (flags & 3) !== 0;
}

function wrap(target, name, label, isWrite = () => true) {
  const original = target[name];
  if (typeof original !== 'function') return;
  target[name] = function patched(...args) {
    const stack = new Error().stack ?? '';
    if (isWrite(args) && !/node_modules[\\/]tsx[\\/]/.test(stack))
      seen.push(`${label} ${String(args[0])}`);
    return original.apply(this, args);
  };
}

for (const name of WRITE_APIS) wrap(fs, name, `fs.${name}`);
for (const name of PROMISE_APIS) wrap(fsp, name, `fs.promises.${name}`);
wrap(fs, 'openSync', 'fs.openSync', (a) => isWriteOpen(a[1]));
wrap(fs, 'open', 'fs.open', (a) => isWriteOpen(a[1]));
wrap(fsp, 'open', 'fs.promises.open', (a) => isWriteOpen(a[1]));
syncBuiltinESMExports();

process.on('exit', () => {
  for (const line of seen) process.stderr.write(`FSWRITE ${line}\n`);
  process.stderr.write(`FSWRITE-CHECK done (${seen.length} writes)\n`);
});
