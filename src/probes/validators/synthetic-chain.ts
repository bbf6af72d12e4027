import { computeAddress, keccak256, toUtf8Bytes } from 'ethers';
import {
  encodeExtraData,
  type BftExtraData,
  type Consensus,
  type Vote,
} from '../../consensus/extra-data.js';
import {
  bftHashOfFields,
  commitDigestOfFields,
  headerFieldsFromBlock,
  type RawBlock,
} from '../../consensus/header.js';
import { quorumSize, selectProposer, sortValidators } from '../../consensus/proposer.js';
import { signCommitSeal } from '../../consensus/seals.js';

/** Options of a SyntheticChain. */
export interface SyntheticChainOptions {
  /** Validators in the initial set. */
  validators: number;
  /** Extra keys that votes can add later, default 2. */
  spares?: number;
  /** Seed of every key, default 'chainprobe-validators'. */
  seed?: string;
  consensus?: Consensus;
  /** Validator-contract mode: every header carries an empty validator list. */
  contractMode?: boolean;
  /** Genesis timestamp, Unix seconds; default 1_700_000_000. */
  genesisTimestamp?: number;
}

/** How the next block comes about; every field is optional. */
export interface NextBlock {
  /** Validators that are offline: their rounds expire and they do not seal. */
  down?: ReadonlySet<string>;
  /** A vote this block carries; it changes the set after this block (applied at once). */
  vote?: Vote;
  /** The set after this block without a header vote (a validator-contract transaction). */
  setAfter?: string[];
}

const ZERO32 = `0x${'00'.repeat(32)}`;
const ZERO20 = `0x${'00'.repeat(20)}`;
const EMPTY_TRIE = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';
const EMPTY_OMMERS = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347';
const MIX_HASH = '0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365';

/**
 * A Besu-format QBFT/IBFT 2.0 chain built in memory with the consensus codec and generated keys:
 * Besu's proposer rule, round changes when the designated proposer is down, a quorum of live
 * sealers in rotating order, real commit seals and BFT hashes. For tests and the benchmark.
 */
export class SyntheticChain {
  /** Private key by lowercase address, for every key (set members and spares). */
  readonly keys = new Map<string, string>();
  /** Spare addresses that are not in the initial set. */
  readonly spares: string[];
  /** Served blocks, index = number. */
  readonly blocks: RawBlock[] = [];
  /** Validators that validate block n (after n-1), index = number. */
  readonly sets: string[][] = [];
  private current: string[];
  private readonly consensus: Consensus;

  constructor(private readonly opts: SyntheticChainOptions) {
    const seed = opts.seed ?? 'chainprobe-validators';
    const total = opts.validators + (opts.spares ?? 2);
    const addrs = Array.from({ length: total }, (_, i) => {
      const key = keccak256(toUtf8Bytes(`${seed}:validator-${i}`));
      const address = computeAddress(key).toLowerCase();
      this.keys.set(address, key);
      return address;
    });
    this.current = sortValidators(addrs.slice(0, opts.validators));
    this.spares = addrs.slice(opts.validators);
    this.consensus = opts.consensus ?? 'qbft';
    this.appendGenesis();
  }

  /** The set after the head (validating the next block), sorted. */
  get validators(): string[] {
    return [...this.current];
  }

  /** Number of the head block. */
  get head(): number {
    return this.blocks.length - 1;
  }

  /** Appends `count` blocks with the same conditions; stops early when the chain halts. */
  extend(count: number, next: NextBlock = {}): number {
    let made = 0;
    while (made < count && this.next(next) !== null) made++;
    return made;
  }

  /**
   * Appends the next block: the first round whose designated proposer is live commits, sealed
   * by the first quorum of live validators. Returns null (no block) when fewer than quorum are
   * live: the chain halts.
   */
  next(next: NextBlock = {}): RawBlock | null {
    const set = this.current;
    const live = set.filter((v) => !next.down?.has(v));
    if (live.length < quorumSize(set.length)) return null;

    const parent = this.blocks[this.head] as RawBlock;
    const prevCoinbase = String(parent['miner']);
    let round = 0;
    while (next.down?.has(selectProposer(set, prevCoinbase, round))) round++;
    const n = this.head + 1;
    const sealers = rotate(live, n).slice(0, quorumSize(set.length));
    const block = this.build(n, parent, selectProposer(set, prevCoinbase, round), round, {
      sealers,
      vote: next.vote ?? null,
    });

    this.blocks.push(block);
    this.sets.push(set);
    if (next.vote) this.current = applyVote(set, next.vote);
    if (next.setAfter) this.current = sortValidators(next.setAfter);
    return block;
  }

  private appendGenesis(): void {
    const extra = this.extraOf(this.current, null, 0);
    const raw = template(0, ZERO20, ZERO32, this.opts.genesisTimestamp ?? 1_700_000_000);
    raw['extraData'] = encodeExtraData(extra, this.consensus, 'full');
    raw['hash'] = bftHashOfFields(headerFieldsFromBlock(raw), extra, this.consensus);
    this.blocks.push(raw);
    this.sets.push(this.current);
  }

  private build(
    n: number,
    parent: RawBlock,
    proposer: string,
    round: number,
    what: { sealers: string[]; vote: Vote | null },
  ): RawBlock {
    // Round r commits after the block period plus the expired round timers 1 + 2 + ... 2^(r-1).
    const timestamp = Number(parent['timestamp']) + 1 + (2 ** Math.min(round, 20) - 1);
    const raw = template(n, proposer, String(parent['hash']), timestamp);
    const extra = this.extraOf(this.current, what.vote, round);
    const fields = headerFieldsFromBlock({ ...raw, extraData: '0x' });
    const digest = commitDigestOfFields(fields, extra, this.consensus);
    extra.seals = what.sealers.map((v) => signCommitSeal(digest, this.keys.get(v) ?? ''));

    raw['extraData'] = encodeExtraData(extra, this.consensus, 'full');
    raw['hash'] = bftHashOfFields(fields, extra, this.consensus);
    return raw;
  }

  private extraOf(set: string[], vote: Vote | null, round: number): BftExtraData {
    const validators = this.opts.contractMode ? [] : set;
    return { vanity: ZERO32, validators, vote, round, seals: [] };
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function applyVote(set: readonly string[], vote: Vote): string[] {
  const without = set.filter((v) => v !== vote.recipient);
  return sortValidators(vote.add ? [...without, vote.recipient] : without);
}

function template(n: number, miner: string, parentHash: string, timestamp: number): RawBlock {
  return {
    number: `0x${n.toString(16)}`,
    hash: ZERO32,
    parentHash,
    sha3Uncles: EMPTY_OMMERS,
    miner,
    stateRoot: keccak256(toUtf8Bytes(`state-${n}`)),
    transactionsRoot: EMPTY_TRIE,
    receiptsRoot: EMPTY_TRIE,
    logsBloom: `0x${'00'.repeat(256)}`,
    difficulty: '0x1',
    gasLimit: '0x1c9c380',
    gasUsed: '0x0',
    timestamp: `0x${timestamp.toString(16)}`,
    extraData: '0x',
    mixHash: MIX_HASH,
    nonce: '0x0000000000000000',
    baseFeePerGas: '0x0',
  };
}
