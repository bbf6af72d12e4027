/** `npm run docs`: regenerates the configuration and metrics references in README.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROBE_KINDS } from '../probes/registry.js';
import { renderConfigReference, renderMetricsReference, replaceGenerated } from './reference.js';

/** README.md with both generated sections brought up to date. */
export function renderReadme(current: string): string {
  let doc = replaceGenerated(current, 'config', renderConfigReference(PROBE_KINDS));
  doc = replaceGenerated(doc, 'metrics', renderMetricsReference(PROBE_KINDS));
  return doc;
}

/** Path of the README. */
export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(README, renderReadme(readFileSync(README, 'utf8')));
}
