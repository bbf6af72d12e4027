import { describe, expect, it } from 'vitest';
import {
  ANVIL_UP,
  judgeAnvil,
  UNREACHABLE_AFTER_PROBES,
  UNREACHABLE_LOG_EVERY_MS,
  type AnvilEvent,
  type AnvilHealthState,
} from './anvil-health.js';

const T = 1_000_000;
const failed: AnvilEvent = { kind: 'probe-failed', reason: 'ECONNREFUSED' };
const ok: AnvilEvent = { kind: 'probe-ok' };
const killed: AnvilEvent = { kind: 'exited', exit: { code: null, signal: 'SIGKILL' } };

/** Runs `events` one second apart from T; returns the final state and the messages logged. */
function replay(events: AnvilEvent[], from: AnvilHealthState = ANVIL_UP, start = T) {
  let state = from;
  const logged: string[] = [];
  events.forEach((event, i) => {
    const out = judgeAnvil(state, event, start + i * 1000);
    state = out.state;
    if (out.log) logged.push(`${out.log.level}:${out.log.msg}`);
  });
  return { state, logged };
}

const fails = (n: number) => Array.from({ length: n }, () => failed);

describe('judgeAnvil', () => {
  it.each([
    { desc: 'healthy-stays-quiet', events: [ok, ok, ok], health: 'up', logged: [] },
    {
      desc: 'one-missed-probe-is-not-an-outage',
      events: [failed, ok, failed, ok],
      health: 'up',
      logged: [],
    },
    {
      desc: 'outage-logged-once',
      events: fails(UNREACHABLE_AFTER_PROBES + 20),
      health: 'unreachable',
      logged: ['warn:anvil not answering'],
    },
    {
      desc: 'outage-then-recovery',
      events: [...fails(UNREACHABLE_AFTER_PROBES + 5), ok, ok],
      health: 'up',
      logged: ['warn:anvil not answering', 'info:anvil answers again'],
    },
    {
      desc: 'exit-logged-once-and-final',
      events: [killed, failed, ok, killed],
      health: 'exited',
      logged: ['error:anvil exited; nothing restarts it'],
    },
    {
      desc: 'exit-during-outage',
      events: [...fails(UNREACHABLE_AFTER_PROBES), killed, ok],
      health: 'exited',
      logged: ['warn:anvil not answering', 'error:anvil exited; nothing restarts it'],
    },
  ])('$desc', ({ events, health, logged }) => {
    const out = replay(events);

    expect(out.state.health).toBe(health);
    expect(out.logged).toEqual(logged);
  });

  it('keeps the exit code and signal in the exit line', () => {
    const out = judgeAnvil(ANVIL_UP, { kind: 'exited', exit: { code: 3, signal: null } }, T);

    expect(out.log?.fields).toEqual({ code: 3, signal: null });
    expect(out.state.exit).toEqual({ code: 3, signal: null });
  });

  it('reports how long the outage lasted and how many probes failed', () => {
    const { logged, state } = replay(fails(10));
    const back = judgeAnvil(state, ok, T + 10_000);

    expect(logged).toHaveLength(1);
    expect(back.log?.fields).toEqual({ downSeconds: 10, failedProbes: 10 });
  });

  it('logs a flapping anvil once per interval and counts the outages in between', () => {
    const flap = [...fails(UNREACHABLE_AFTER_PROBES), ok];
    const first = replay([...flap, ...flap, ...flap]);

    expect(first.logged).toEqual(['warn:anvil not answering', 'info:anvil answers again']);
    expect(first.state.suppressed).toBe(2);

    const later = judgeAnvil(
      replay(fails(UNREACHABLE_AFTER_PROBES - 1), first.state, T).state,
      failed,
      T + UNREACHABLE_LOG_EVERY_MS + 10_000,
    );
    expect(later.log?.fields).toMatchObject({ unloggedOutages: 2 });
  });
});
