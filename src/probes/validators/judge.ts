import {
  faultTolerance,
  quorumSize,
  selectProposer,
  sortValidators,
} from '../../consensus/proposer.js';

/** One block as the window remembers it; addresses lowercase, sets sorted ascending. */
export interface WindowBlock {
  number: number;
  /** Block timestamp, Unix seconds. */
  timestamp: number;
  /** Coinbase: the block's creator. */
  proposer: string;
  round: number;
  /** Validators that validate this block (after its parent). */
  validators: string[];
  /** Distinct in-set signers of its commit seals. */
  sealers: string[];
  /** Designated proposers of the rounds that expired before the committing one, with counts. */
  missed: Map<string, number>;
}

/** The proposer slots of one block by Besu's rule. */
export interface SlotAttribution {
  /** Designated proposer of the committing round. */
  designated: string;
  /** Designated proposers of rounds 0..round-1 (they expired), with how often each was due. */
  missed: Map<string, number>;
}

/**
 * Attributes the slots of a block committed in `round`: round k at this height belonged to
 * selectProposer(validators, prevCoinbase, k). Counting is modular, so a huge round from a bad
 * header costs O(N), not O(round). `validators` must be non-empty.
 */
export function attributeSlots(
  validators: readonly string[],
  prevCoinbase: string,
  round: number,
): SlotAttribution {
  const sorted = sortValidators([...validators]);
  const first = selectProposer(sorted, prevCoinbase, 0);
  const base = sorted.indexOf(first);
  const n = sorted.length;

  const missed = new Map<string, number>();
  sorted.forEach((v, i) => {
    const offset = (i - base + n) % n;
    const count = offset < round ? Math.floor((round - 1 - offset) / n) + 1 : 0;
    if (count > 0) missed.set(v, count);
  });
  return { designated: selectProposer(sorted, prevCoinbase, round), missed };
}

/** What chainprobe remembers of one validator beyond the window. */
export interface ValidatorMemory {
  lastProposedNumber: number | null;
  lastProposedTimestamp: number | null;
  /** Last block it proposed or sealed; before that, the block before it was first seen in a set. */
  lastSeenNumber: number;
}

/** Settings of the liveness judgement. */
export interface JudgeSettings {
  /** Minimum seal participation over the window to count as live (0..1). */
  threshold: number;
  /** Head age after which the chain counts as halted, seconds. */
  haltedAfterSeconds: number;
  /** Blocks unseen after which a validator is not live; default notSeenLimit(set size). */
  notSeenAfterBlocks?: number;
}

/**
 * Blocks a live validator can go unseen: with N validators it proposes about once every N
 * blocks even if its commit seals never make the quorum a block carries, so twice N (at least
 * 8) leaves room for round changes before a silent validator stops counting as live.
 */
export function notSeenLimit(validatorCount: number): number {
  return Math.max(2 * validatorCount, 8);
}

/** The verdict on one validator. */
export interface ValidatorVerdict {
  address: string;
  proposals: number;
  missed: number;
  /** Window blocks this validator had to seal (it was in their set). */
  eligible: number;
  /** Window blocks whose seals include it. */
  sealed: number;
  /** sealed / eligible; null when it had no block to seal in the window. */
  participation: number | null;
  blocksSinceSeen: number;
  lastProposedNumber: number | null;
  lastProposedAgeSeconds: number | null;
  isLive: boolean;
}

/** The verdict on the network. */
export interface NetworkVerdict {
  validators: number;
  quorum: number;
  faultTolerance: number;
  /** Live validators; capped at quorum - 1 while the chain is halted. */
  live: number;
  /** live - quorum: how many more validators can fail before the chain halts (< 0: halted). */
  margin: number;
  isHalted: boolean;
  windowBlocks: number;
}

/** Inputs of one judgement besides the window. */
export interface JudgeInput {
  nowSeconds: number;
  /** Timestamp of the newest block the endpoint reported (its head), seconds. */
  headTimestamp: number;
}

/**
 * The sliding window of the last `size` block numbers and per-validator memory. Deterministic
 * and free of I/O: the probe feeds it blocks in order and asks for a verdict.
 */
export class ValidatorWindow {
  private blocks: WindowBlock[] = [];
  private readonly memory = new Map<string, ValidatorMemory>();

  constructor(private readonly size: number) {}

  /** Number of the newest block recorded, or null. */
  get newest(): WindowBlock | null {
    return this.blocks[this.blocks.length - 1] ?? null;
  }

  /** Blocks currently in the window, oldest first. */
  contents(): readonly WindowBlock[] {
    return this.blocks;
  }

  /** Adds a block (numbers must increase) and drops those older than the last `size` numbers. */
  record(block: WindowBlock): void {
    const newest = this.newest;
    if (newest !== null && block.number <= newest.number) {
      throw new Error(`block ${block.number} does not follow ${newest.number}`);
    }

    this.blocks.push(block);
    const oldest = block.number - this.size + 1;
    this.blocks = this.blocks.filter((b) => b.number >= oldest);
    this.remember(block);
  }

  /** Validators that keep series: the newest set plus every set still in the window. */
  labelled(): Set<string> {
    const out = new Set<string>();
    for (const b of this.blocks) for (const v of b.validators) out.add(v);
    return out;
  }

  /** Forgets validators that are no longer labelled. */
  forget(addresses: Iterable<string>): void {
    for (const a of addresses) this.memory.delete(a);
  }

  /** Judges every labelled validator and the network as of `input`. */
  judge(
    input: JudgeInput,
    settings: JudgeSettings,
  ): { validators: ValidatorVerdict[]; network: NetworkVerdict } {
    const newest = this.newest;
    const current = new Set(newest?.validators ?? []);
    const unseenLimit = settings.notSeenAfterBlocks ?? notSeenLimit(current.size);
    const validators = [...this.labelled()]
      .sort()
      .map((a) => this.judgeOne(a, input, settings, unseenLimit));
    const live = validators.filter((v) => v.isLive && current.has(v.address)).length;
    const network = judgeNetwork(
      current.size,
      live,
      input.nowSeconds - input.headTimestamp,
      settings,
    );
    return { validators, network: { ...network, windowBlocks: this.blocks.length } };
  }

  private remember(block: WindowBlock): void {
    for (const v of block.validators) {
      if (!this.memory.has(v)) {
        const fresh = { lastProposedNumber: null, lastProposedTimestamp: null };
        this.memory.set(v, { ...fresh, lastSeenNumber: block.number - 1 });
      }
    }
    for (const v of [block.proposer, ...block.sealers]) {
      const m = this.memory.get(v);
      if (m) m.lastSeenNumber = block.number;
    }
    const p = this.memory.get(block.proposer);
    if (p) {
      p.lastProposedNumber = block.number;
      p.lastProposedTimestamp = block.timestamp;
    }
  }

  private judgeOne(
    address: string,
    input: JudgeInput,
    s: JudgeSettings,
    unseenLimit: number,
  ): ValidatorVerdict {
    const counts = countWindow(this.blocks, address);
    const participation = counts.eligible > 0 ? counts.sealed / counts.eligible : null;
    const m = this.memory.get(address);
    const lastTs = m?.lastProposedTimestamp ?? null;
    const blocksSinceSeen = (this.newest?.number ?? 0) - (m?.lastSeenNumber ?? 0);
    // Window counts alone keep a validator that just stopped "live" until its last proposal
    // leaves the window (64 blocks by default); not being seen for a while ends that at once.
    const isLive =
      blocksSinceSeen <= unseenLimit &&
      (counts.proposals > 0 || (participation !== null && participation >= s.threshold));
    return {
      address,
      ...counts,
      participation,
      blocksSinceSeen,
      lastProposedNumber: m?.lastProposedNumber ?? null,
      lastProposedAgeSeconds: lastTs === null ? null : input.nowSeconds - lastTs,
      isLive,
    };
  }
}

/** Window counts of one validator: proposals, missed slots, blocks to seal and sealed. */
export function countWindow(
  blocks: readonly WindowBlock[],
  address: string,
): { proposals: number; missed: number; eligible: number; sealed: number } {
  let proposals = 0;
  let missed = 0;
  let eligible = 0;
  let sealed = 0;
  for (const b of blocks) {
    if (b.proposer === address) proposals++;
    missed += b.missed.get(address) ?? 0;
    if (b.validators.includes(address)) eligible++;
    if (b.sealers.includes(address)) sealed++;
  }
  return { proposals, missed, eligible, sealed };
}

/**
 * Network verdict from the validator count and the live count. A halted chain (head older
 * than haltedAfterSeconds) proves fewer than quorum validators take part, whatever the window
 * last said, so live is capped at quorum - 1 and the margin goes negative.
 */
export function judgeNetwork(
  n: number,
  live: number,
  headAgeSeconds: number,
  settings: JudgeSettings,
): Omit<NetworkVerdict, 'windowBlocks'> {
  // Limitation: while halted, headers cannot tell which validators are down; the
  // per-validator verdicts keep the window's last view until blocks flow again.
  const quorum = quorumSize(n);
  const isHalted = n > 0 && headAgeSeconds > settings.haltedAfterSeconds;
  const capped = isHalted ? Math.min(live, quorum - 1) : live;
  return {
    validators: n,
    quorum,
    faultTolerance: faultTolerance(n),
    live: capped,
    margin: capped - quorum,
    isHalted,
  };
}

/** Where to read next: blocks to fetch this run and blocks skipped for being too far behind. */
export interface FetchPlan {
  from: number;
  to: number;
  skipped: number;
}

/**
 * Plans the next blocks to read. First run: the last `maxCatchUp` blocks. Later: from the block
 * after `cursor`; when more than `maxCatchUp` behind, jump ahead and count the skipped blocks.
 * At most `perRun` blocks per run. Returns null when there is nothing new (or the head went
 * backwards, which a BFT chain with immediate finality should never do).
 */
export function planFetch(
  cursor: number | null,
  head: number,
  maxCatchUp: number,
  perRun: number,
): FetchPlan | null {
  // Limitation: a head below the cursor (a node behind a load balancer) is waited out, not
  // followed back; the window keeps the blocks already judged.
  const earliest = Math.max(1, head - maxCatchUp + 1);
  const next = cursor === null ? earliest : cursor + 1;
  if (next > head) return null;

  const from = Math.max(next, earliest);
  const skipped = cursor === null ? 0 : from - next;
  return { from, to: Math.min(head, from + perRun - 1), skipped };
}

/** True when two sorted validator lists differ. */
export function hasSetChanged(prev: readonly string[], next: readonly string[]): boolean {
  return prev.length !== next.length || prev.some((v, i) => v !== next[i]);
}

/**
 * Validators whose API proposal count differs from the headers' count over the same blocks.
 * Besu adds 0x0 when genesis is in range and zero entries for the set; only the chain's own
 * validators and any coinbase with proposals are compared.
 */
export function countMismatches(
  api: ReadonlyMap<string, number>,
  blocks: ReadonlyArray<{ proposer: string }>,
  validators: ReadonlySet<string>,
): number {
  const mine = new Map<string, number>();
  for (const b of blocks) mine.set(b.proposer, (mine.get(b.proposer) ?? 0) + 1);
  const addresses = new Set([...validators, ...mine.keys()]);
  for (const [a, c] of api) if (c > 0) addresses.add(a);
  return [...addresses].filter((a) => (api.get(a) ?? 0) !== (mine.get(a) ?? 0)).length;
}
