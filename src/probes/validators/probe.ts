import type { Logger } from 'pino';
import type { ProbeContext, ProbeResult } from '../../engine/probe-kind.js';
import type { ErrorClass } from '../../engine/error-class.js';
import type { ProbeCommon } from '../../config/schema.js';
import type { Consensus } from '../../consensus/extra-data.js';
import type { RawBlock } from '../../consensus/header.js';
import { RpcError } from '../../rpc/errors.js';
import type { RpcClient } from '../../rpc/client.js';
import { failure } from '../result.js';
import {
  classifyBlockError,
  decodeBlock,
  decodeEnvelope,
  decodePendingVotes,
  decodeSignerMetrics,
  decodeValidatorList,
  isContractMode,
  sealBlock,
  type BlockEnvelope,
  type DecodedBlock,
  type SealedBlock,
} from './decode.js';
import {
  attributeSlots,
  countMismatches,
  hasSetChanged,
  planFetch,
  ValidatorWindow,
  type JudgeSettings,
  type SlotAttribution,
} from './judge.js';
import type { ValidatorsOptions } from './kind.js';
import { publishVerdicts, removeValidator, type LabelState } from './publish.js';
import { NETWORK_COUNTERS, NETWORK_METRICS, type ValidatorsMetrics } from './metrics.js';

/** Blocks fetched concurrently within one run. */
const FETCH_CONCURRENCY = 4;

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The block before the next one to process: what proposer attribution and set changes need. */
interface Previous {
  coinbase: string | null;
  validators: string[] | null;
}

/** Classes a block may fail with while the run goes on to the next block. */
const BLOCK_DATA_CLASSES: ReadonlySet<ErrorClass> = new Set([
  'bad_extra_data',
  'bad_header',
  'bad_response',
]);

/** The first problem of a run (its class becomes the run's failure class) and how many. */
class Problems {
  private first: { errorClass: ErrorClass; detail: string } | null = null;
  private count = 0;

  add(errorClass: ErrorClass, detail: string): void {
    this.count++;
    this.first ??= { errorClass, detail };
  }

  result(): ProbeResult {
    if (this.first === null) return { ok: true };
    const more = this.count > 1 ? ` (+${this.count - 1} more)` : '';
    return { ok: false, errorClass: this.first.errorClass, detail: `${this.first.detail}${more}` };
  }
}

/**
 * Follows one endpoint's chain block by block and turns commit seals, rounds and coinbases into
 * per-validator liveness; one instance per configured validators probe.
 */
export class ValidatorsWatcher {
  private readonly window: ValidatorWindow;
  private readonly labels: LabelState;
  private readonly settings: JudgeSettings;
  private readonly log: Logger;
  /** Labels of the network series. */
  private readonly series: { endpoint: string };
  private cursor: number | null = null;
  private prev: Previous | null = null;
  private consensus: Consensus | null = null;
  private isContract = false;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly probe: ProbeCommon & ValidatorsOptions,
    private readonly metrics: ValidatorsMetrics,
    private readonly endpoint: string,
  ) {
    this.window = new ValidatorWindow(probe.window);
    const names = Object.entries(probe.names ?? {}).map(([a, n]) => [a.toLowerCase(), n] as const);
    this.labels = { endpoint, labelled: new Set(), names: new Map(names) };
    this.series = { endpoint };
    for (const key of NETWORK_COUNTERS) metrics[key].inc(this.series, 0);
    this.settings = {
      threshold: probe.participationThreshold,
      haltedAfterSeconds: probe.haltedAfterSeconds ?? 10 * ctx.global.blockPeriodSeconds,
      ...(probe.notSeenAfterBlocks !== undefined
        ? { notSeenAfterBlocks: probe.notSeenAfterBlocks }
        : {}),
    };
    this.log = ctx.logger.child({ component: 'validators', probe: probe.name });
  }

  /** One run: read the head, process new blocks (bounded), consult the API, publish. */
  async run(signal: AbortSignal): Promise<ProbeResult> {
    const problems = new Problems();
    let head: BlockEnvelope | null = null;
    try {
      const headRaw = await this.rpc().call('eth_getBlockByNumber', ['latest', false], { signal });
      head = decodeEnvelope(headRaw);
      await this.follow(head, headRaw as RawBlock, problems, signal);
      if (this.probe.qbftApi) await this.readApi(head, problems, signal);
      return problems.result();
    } catch (err) {
      return failure(err);
    } finally {
      if (head !== null) this.publish(head.timestamp);
    }
  }

  /** Deletes every series of this probe. */
  dispose(): void {
    const m = this.metrics;
    for (const key of NETWORK_METRICS) m[key].remove(this.series);
    for (const vote of ['add', 'drop']) {
      m.headerVotes.remove({ ...this.series, vote });
      m.pendingVotes.remove({ ...this.series, vote });
    }
    if (this.consensus !== null)
      m.consensusInfo.remove({ ...this.series, consensus: this.consensus });
    for (const address of this.labels.labelled) removeValidator(m, this.labels, address);
    this.labels.labelled.clear();
  }

  private rpc(): RpcClient {
    return this.ctx.rpc(this.endpoint);
  }

  private async follow(
    head: BlockEnvelope,
    headRaw: RawBlock,
    problems: Problems,
    signal: AbortSignal,
  ): Promise<void> {
    const { maxCatchUpBlocks, maxBlocksPerRun } = this.probe;
    const plan = planFetch(this.cursor, head.number, maxCatchUpBlocks, maxBlocksPerRun);
    if (plan === null) return;
    if (plan.skipped > 0) this.metrics.skipped.inc(this.series, plan.skipped);
    if (this.cursor !== plan.from - 1) this.prev = await this.loadPrevious(plan.from - 1, signal);

    // Limitation: parent hashes are not checked against the previous block, so a reorg (none
    // under BFT finality, but possible behind a load balancer switching nodes) is not followed.
    for (let n = plan.from; n <= plan.to; n += FETCH_CONCURRENCY) {
      const numbers = Array.from(
        { length: Math.min(FETCH_CONCURRENCY, plan.to - n + 1) },
        (_, i) => n + i,
      );
      const raws = await Promise.all(
        numbers.map((k) => (k === head.number ? headRaw : this.fetchBlock(k, signal))),
      );
      for (const [i, raw] of raws.entries()) {
        await this.processBlock(numbers[i] ?? n, raw, problems, signal);
      }
    }
    this.log.debug({ from: plan.from, to: plan.to, skipped: plan.skipped }, 'blocks processed');
  }

  private async fetchBlock(n: number, signal: AbortSignal): Promise<RawBlock> {
    const raw = await this.rpc().call('eth_getBlockByNumber', [hex(n), false], { signal });
    if (raw === null || raw === undefined) throw new RpcError('null_result', `no block ${n}`);
    return raw as RawBlock;
  }

  // The parent of the first block to process: its coinbase seeds Besu's proposer rule.
  private async loadPrevious(n: number, signal: AbortSignal): Promise<Previous> {
    if (n < 0) return { coinbase: null, validators: null };
    const raw = await this.fetchBlock(n, signal);
    const coinbase = decodeEnvelope(raw).proposer;
    try {
      const block = decodeBlock(raw, this.consensus ?? this.probe.consensus);
      return { coinbase, validators: isContractMode(block) ? null : sealBlock(block).validators };
    } catch {
      // An undecodable parent still names its coinbase; the set change check waits a block.
      return { coinbase, validators: null };
    }
  }

  private async processBlock(
    n: number,
    raw: RawBlock,
    problems: Problems,
    signal: AbortSignal,
  ): Promise<void> {
    let decoded: DecodedBlock;
    try {
      decoded = decodeBlock(raw, this.consensus ?? this.probe.consensus);
      if (decoded.number !== n) throw new RpcError('bad_response', `asked for ${n}, got another`);
    } catch (err) {
      this.skipUndecodable(n, raw, err, problems);
      return;
    }

    const contractSet = isContractMode(decoded) ? await this.contractSet(n, signal) : undefined;
    this.isContract = contractSet !== undefined;
    this.lockConsensus(decoded.consensus);
    this.account(sealBlock(decoded, contractSet), problems);
  }

  private skipUndecodable(n: number, raw: RawBlock, err: unknown, problems: Problems): void {
    const errorClass = classifyBlockError(err);
    if (!BLOCK_DATA_CLASSES.has(errorClass)) throw err;

    this.metrics.undecodable.inc(this.series);
    problems.add(errorClass, `block ${n}: ${err instanceof Error ? err.message : 'undecodable'}`);
    let coinbase: string | null = null;
    try {
      coinbase = decodeEnvelope(raw).proposer;
    } catch {
      // Without a readable coinbase the next block's slots cannot be attributed.
    }
    this.cursor = n;
    this.prev = { coinbase, validators: null };
  }

  // Contract mode: N's signers are the set after N-1 (FACTS "Mode semantics").
  // Limitation: without the QBFT API a validator-contract chain cannot be judged at all: the
  // headers carry no set to check seals against, so the run fails as method_unavailable.
  private async contractSet(n: number, signal: AbortSignal): Promise<string[]> {
    try {
      const method = `${this.apiPrefix()}getValidatorsByBlockNumber`;
      const raw = await this.rpc().call(method, [hex(n - 1)], { signal });
      return decodeValidatorList(raw, 'validators');
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'method_unavailable') throw err;
      this.metrics.apiEnabled.set(this.series, 0);
      throw new RpcError('method_unavailable', 'validator-contract mode needs the QBFT API', {
        cause: err,
      });
    }
  }

  private lockConsensus(consensus: Consensus): void {
    if (this.consensus !== null) return;
    this.consensus = consensus;
    this.metrics.consensusInfo.set({ ...this.series, consensus }, 1);
  }

  private account(block: SealedBlock, problems: Problems): void {
    // Besu seeds the rule with the coinbase of h-1 even when h-1 was re-proposed after a round
    // change (it keeps its creator), so that is what `prev` must be here too.
    const prevCoinbase = this.prev?.coinbase ?? null;
    const slots =
      prevCoinbase !== null && block.validators.length > 0
        ? attributeSlots(block.validators, prevCoinbase, block.round)
        : null;
    this.countBlock(block, slots, problems);

    const inSet = new Set(block.validators);
    this.window.record({
      number: block.number,
      timestamp: block.timestamp,
      proposer: block.proposer,
      round: block.round,
      validators: block.validators,
      sealers: block.verdict.signers.filter((s) => inSet.has(s)),
      missed: slots?.missed ?? new Map(),
    });
    if (this.prev?.validators && hasSetChanged(this.prev.validators, block.validators)) {
      this.metrics.setChanges.inc(this.series);
    }
    this.cursor = block.number;
    this.prev = { coinbase: block.proposer, validators: block.validators };
  }

  private countBlock(block: SealedBlock, slots: SlotAttribution | null, problems: Problems): void {
    const m = this.metrics;
    const series = this.series;
    m.processed.inc(series);
    m.processedBlock.set(series, block.number);
    m.lastRound.set(series, block.round);
    m.round.observe(series, block.round);
    m.lastSeals.set(series, block.sealCount);
    if (block.round > 0) m.roundChanges.inc(series);
    if (!block.verdict.valid) m.invalidSeals.inc(series);
    if (!block.hashMatches) {
      m.hashMismatches.inc(series);
      problems.add('hash_mismatch', `block ${block.number}: hash differs from the BFT hash`);
    }
    if (slots !== null && slots.designated !== block.proposer) m.proposerMismatches.inc(series);
    if (block.vote !== null)
      m.headerVotes.inc({ ...series, vote: block.vote.add ? 'add' : 'drop' });
    if (block.validators.includes(block.proposer)) {
      m.proposals.inc({ ...series, validator: block.proposer });
    }
    for (const [validator, count] of slots?.missed ?? []) {
      m.missedSlots.inc({ ...series, validator }, count);
    }
  }

  private apiPrefix(): string {
    return this.consensus === 'ibft2' ? 'ibft_' : 'qbft_';
  }

  private async readApi(head: BlockEnvelope, problems: Problems, signal: AbortSignal) {
    let list: string[];
    try {
      const method = `${this.apiPrefix()}getValidatorsByBlockNumber`;
      list = decodeValidatorList(await this.rpc().call(method, ['latest'], { signal }), 'set');
    } catch (err) {
      this.apiFailed(err, problems);
      return;
    }
    this.metrics.apiEnabled.set(this.series, 1);
    this.metrics.apiSetSize.set(this.series, list.length);
    const newest = this.window.newest;
    // Contract mode's 'latest' is the set after the head, which headers cannot confirm.
    if (!this.isContract && newest !== null && newest.number === head.number) {
      this.metrics.apiSetMatch.set(this.series, hasSetChanged(list, newest.validators) ? 0 : 1);
    }
    await this.checkSignerMetrics(problems, signal);
    if (!this.isContract) await this.readPendingVotes(problems, signal);
  }

  private apiFailed(err: unknown, problems: Problems): void {
    const code = (err as { code?: unknown }).code;
    if (code === 'method_unavailable') {
      this.metrics.apiEnabled.set(this.series, 0);
      return;
    }
    const { errorClass = 'internal', detail = 'API call failed' } = failure(err);
    problems.add(errorClass, `QBFT API: ${detail}`);
  }

  // Besu counts proposals by coinbase over [from, to); compare over the window's contiguous
  // part below its newest block, so the node's head clamp never cuts the range.
  private async checkSignerMetrics(problems: Problems, signal: AbortSignal): Promise<void> {
    const blocks = this.window.contents();
    const from = blocks[0]?.number;
    const to = this.window.newest?.number;
    if (from === undefined || to === undefined || to <= from) return;
    const inRange = blocks.filter((b) => b.number < to);
    if (inRange.length !== to - from) return;

    try {
      const method = `${this.apiPrefix()}getSignerMetrics`;
      const api = decodeSignerMetrics(
        await this.rpc().call(method, [hex(from), hex(to)], { signal }),
      );
      const mismatches = countMismatches(api, inRange, this.labels.labelled);
      this.metrics.signerMetricsMismatches.set(this.series, mismatches);
    } catch (err) {
      this.apiFailed(err, problems);
    }
  }

  private async readPendingVotes(problems: Problems, signal: AbortSignal): Promise<void> {
    try {
      const method = `${this.apiPrefix()}getPendingVotes`;
      const votes = decodePendingVotes(await this.rpc().call(method, [], { signal }));
      this.metrics.pendingVotes.set({ ...this.series, vote: 'add' }, votes.add);
      this.metrics.pendingVotes.set({ ...this.series, vote: 'drop' }, votes.drop);
    } catch (err) {
      this.apiFailed(err, problems);
    }
  }

  private publish(headTimestamp: number): void {
    if (this.window.newest === null) return;
    const verdict = this.window.judge(
      { nowSeconds: this.ctx.now() / 1000, headTimestamp },
      this.settings,
    );
    const departed = publishVerdicts(this.metrics, this.labels, verdict);
    this.window.forget(departed);
  }
}
