import { asBlockObject, parseData, parseSafeQuantity } from '../../rpc/hex.js';

/** The fields of a head block the block probe needs. */
export interface Head {
  number: number;
  hash: string;
  parentHash: string;
  /** Block timestamp, seconds. */
  timestamp: number;
}

/** What chainprobe remembers of an endpoint's head between runs. */
export interface HeadState {
  head: Head;
  /**
   * Wall time (ms) the head changed to this one: its block timestamp, clamped between the run
   * that still saw the old head and the run that first saw this one.
   */
  seenAt: number;
  /** Wall time (ms) of the last run that read this head. */
  checkedAt: number;
}

/** The verdict of one observation of an endpoint's head. */
export interface HeadVerdict {
  state: HeadState;
  /** Blocks the head moved since the last run (negative: it went backwards). */
  advancedBy: number;
  /** Inter-block intervals (seconds) learned from this observation. */
  intervals: number[];
  /** Seconds since the head last changed (see HeadState.seenAt). */
  unchangedSeconds: number;
  /** Head age: now minus the head's timestamp, seconds (negative if it is in the future). */
  ageSeconds: number;
}

/** Decodes an eth_getBlockByNumber result; a null block is a null_result failure. */
export function decodeHead(raw: unknown): Head {
  const b = asBlockObject(raw);
  return {
    number: parseSafeQuantity(b.number, 'block.number'),
    hash: parseData(b.hash, 'block.hash', 32),
    parentHash: parseData(b.parentHash, 'block.parentHash', 32),
    timestamp: parseSafeQuantity(b.timestamp, 'block.timestamp'),
  };
}

/**
 * Judges a newly observed head against the previous one. Intervals come from block timestamps:
 * exact when the head moved by one block, the mean per block when it moved by several.
 */
export function judgeHead(prev: HeadState | undefined, head: Head, nowMs: number): HeadVerdict {
  const ageSeconds = nowMs / 1000 - head.timestamp;
  if (!prev || prev.head.hash === head.hash) {
    const seenAt = prev?.seenAt ?? nowMs;
    return {
      state: { head, seenAt, checkedAt: nowMs },
      advancedBy: 0,
      intervals: [],
      unchangedSeconds: (nowMs - seenAt) / 1000,
      ageSeconds,
    };
  }
  const advancedBy = head.number - prev.head.number;
  const intervals: number[] = [];
  if (advancedBy > 0) {
    const mean = (head.timestamp - prev.head.timestamp) / advancedBy;
    // Limitation: after several blocks in one interval only their mean is known here; the
    // validators probe, which walks every block, sees each interval exactly.
    for (let i = 0; i < Math.min(advancedBy, 100); i++) intervals.push(Math.max(0, mean));
  }
  // A head that moved forward arrived after the previous run and before this one; its timestamp
  // says when within that span (QBFT stamps a block as it proposes it). Clamping keeps a skewed
  // node clock from moving the estimate outside what chainprobe itself saw, so the error is at
  // most one interval, as when the change time was simply this run's; with sane clocks a halt
  // shows up to one interval sooner. A head that went back or sideways (a reorg, another node
  // behind a load balancer) says nothing about when the switch happened: it dates from now.
  const seenAt =
    advancedBy > 0 ? Math.min(nowMs, Math.max(prev.checkedAt, head.timestamp * 1000)) : nowMs;
  return {
    state: { head, seenAt, checkedAt: nowMs },
    advancedBy,
    intervals,
    unchangedSeconds: (nowMs - seenAt) / 1000,
    ageSeconds,
  };
}

/** Height spread across endpoints: the highest head and how far each endpoint is behind it. */
export function judgeSpread(heights: ReadonlyMap<string, number>): {
  max: number;
  spread: number;
  behind: Map<string, number>;
} {
  const values = [...heights.values()];
  if (values.length === 0) return { max: 0, spread: 0, behind: new Map() };
  const max = Math.max(...values);
  const min = Math.min(...values);
  const behind = new Map([...heights].map(([name, h]) => [name, max - h]));
  return { max, spread: max - min, behind };
}

/**
 * Hash agreement at one height: the hash most endpoints report wins (ties: the lexically
 * smallest, so the verdict is stable); each endpoint agrees or not. Null means no answer.
 */
export function judgeAgreement(hashes: ReadonlyMap<string, string>): Map<string, boolean> {
  const counts = new Map<string, number>();
  for (const h of hashes.values()) counts.set(h, (counts.get(h) ?? 0) + 1);
  let best = '';
  let bestCount = 0;
  for (const [h, c] of [...counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (c > bestCount) {
      best = h;
      bestCount = c;
    }
  }
  return new Map([...hashes].map(([name, h]) => [name, h === best]));
}
