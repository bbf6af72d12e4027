import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATE_USAGE, parseGenerateArgs } from './options.js';
import { generateFiles } from './outputs.js';

/** Repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Paths whose committed content differs from `files` (missing files count as different). */
export async function findStaleFiles(root: string, files: Map<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, content] of files) {
    const current = await readFile(join(root, path), 'utf8').catch(() => null);
    if (current !== content) stale.push(path);
  }
  return stale;
}

async function writeFiles(root: string, files: Map<string, string>): Promise<void> {
  for (const [path, content] of files) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseGenerateArgs(argv);
  if (args.help) {
    process.stdout.write(GENERATE_USAGE);
    return 0;
  }
  const root = args.outDir ? resolve(args.outDir) : REPO_ROOT;
  const files = generateFiles(args.options);
  if (args.check) {
    const stale = await findStaleFiles(root, files);
    for (const path of stale) process.stderr.write(`out of date: ${path}\n`);
    return stale.length === 0 ? 0 : 1;
  }
  await writeFiles(root, files);
  process.stdout.write(`wrote ${files.size} files below ${root}\n`);
  return 0;
}

// Run only as a script, so tests can import the helpers above.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`generate: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
