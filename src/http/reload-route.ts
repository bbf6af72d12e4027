import type { Express } from 'express';

/** Outcome of a configuration reload: applied, or rejected with every issue (redacted). */
export type ReloadOutcome = { ok: true } | { ok: false; issues: string[] };

/**
 * Installs POST /-/reload (Prometheus' convention): runs `reload`, answers 200 when the new
 * configuration was applied, 400 with the issues when it was rejected (the old one keeps
 * running). Other methods get 405.
 */
export function reloadRoute(reload: () => Promise<ReloadOutcome>): (app: Express) => void {
  return (app) => {
    app.post('/-/reload', async (_req, res) => {
      const outcome = await reload();
      if (outcome.ok) {
        res.type('text/plain').send('configuration reloaded\n');
        return;
      }
      res.status(400).json({ status: 'rejected', issues: outcome.issues });
    });
    app.all('/-/reload', (_req, res) => {
      res.status(405).set('Allow', 'POST').type('text/plain').send('use POST\n');
    });
  };
}
