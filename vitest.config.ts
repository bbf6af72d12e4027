import { defineConfig } from 'vitest/config';

// Integration tests start real processes (anvil, prometheus), so they get generous timeouts;
// speed goals live in `npm run bench`, never here.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: '.tmp/vitest-report.json' },
  },
});
