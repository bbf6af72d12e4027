import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Runs from src/ (tsx) and from dist/src/ (compiled): look upwards for package.json.
function findPackageJson(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return '';
}

/** chainprobe's version from package.json ('unknown' if it cannot be read). */
export const VERSION: string = (() => {
  const path = findPackageJson();
  if (!path) return 'unknown';
  return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? 'unknown';
})();
