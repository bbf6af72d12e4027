import { parseArgs } from 'node:util';
import { runSoak } from './soak.js';

// npm run soak -- --minutes 30 [--seed 138] [--warmup 60]
// Prints one line per fault and a JSON summary; exits 1 when the soak found a problem.

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string', default: '138' },
    warmup: { type: 'string', default: '60' },
  },
});

const report = await runSoak({
  seconds: Number(values.minutes) * 60,
  warmupSeconds: Number(values.warmup),
  seed: Number(values.seed),
  log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
});

const invisible = report.faults.filter((f) => f.visibleAfter === null || f.recoveredAfter === null);
const ok =
  !report.crashed &&
  report.unhandledRejections === 0 &&
  report.errorLines.length === 0 &&
  invisible.length === 0 &&
  report.rssGrowth < 0.1;
process.stdout.write(
  `${JSON.stringify(
    {
      ok,
      seconds: report.seconds,
      faultsInjected: report.faults.length,
      byFault: countBy(report.faults.map((f) => f.fault)),
      notVisibleOrNotRecovered: invisible,
      crashed: report.crashed,
      unhandledRejections: report.unhandledRejections,
      errorLines: report.errorLines.slice(0, 10),
      rss: {
        baselineMiB: report.rssBaselineMiB,
        endMiB: report.rssEndMiB,
        growth: report.rssGrowth,
        samples: report.rssMiB.length,
        min: Math.min(...report.rssMiB),
        max: Math.max(...report.rssMiB),
      },
      scrapes: report.scrapes,
    },
    null,
    2,
  )}\n`,
);
process.exitCode = ok ? 0 : 1;

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}
