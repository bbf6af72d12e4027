import { keccak256, toUtf8Bytes } from 'ethers';
import { pino, type Logger } from 'pino';
import { faultTolerance, sortValidators } from '../consensus/proposer.js';
import { startAnvil, type AnvilProcess } from './anvil.js';
import { BftChain } from './bft-chain.js';
import { CircuitBreaker } from './breaker.js';
import { canonicalView, ForkBranch, stuckView, type ChainView } from './chain-view.js';
import { createControlHandler } from './control.js';
import { compileFeed, deployFeed } from './feed-contract.js';
import {
  FaultStore,
  type ActiveFault,
  type FaultHost,
  type KubeApiFault,
  type PodFault,
} from './faults.js';
import { createGatewayHandler } from './gateway.js';
import { HttpEndpoint } from './http-endpoint.js';
import { callRpc, type Json, type JsonObject } from './jsonrpc.js';
import { deriveKey, deriveValidatorKeys, type DevKey } from './keys.js';
import { startKubeStandIn, type KubeStandIn } from './kube-link.js';
import { createNodeHandler } from './node-server.js';
import { planPorts, type PortMap } from './ports.js';
import { BlockProducer, seededRandom } from './producer.js';
import { OraclePublisher } from './publisher.js';
import { TxHold } from './tx-hold.js';
import type { NodeRpcContext } from './besu-rpc.js';

/** Options of startDevnet; every field has a default. */
export interface DevnetOptions {
  /** Validator count, default 4 (at most 10 with basePort). */
  validators?: number;
  /** QBFT blockperiodseconds, default 2. */
  blockPeriodSeconds?: number;
  /** QBFT requesttimeoutseconds (round 0 timer), default 1 as in Besu's genesis defaults. */
  requestTimeoutSeconds?: number;
  /** Cap on one round's timer, seconds, default 16 (Besu has no cap). */
  maxRoundTimerSeconds?: number;
  /** Fixed port map from this port (see PORT_OFFSETS), else free ports. */
  basePort?: number;
  /** Oracle publisher heartbeat, seconds, default 5. */
  heartbeatSeconds?: number;
  /** Receipt wait before a publish counts as failed, seconds; default max(3 periods, 5). */
  publisherTxTimeoutSeconds?: number;
  /** Consecutive failures that open the breaker, default 3. */
  breakerFailureThreshold?: number;
  /** Seconds before an open breaker half-opens, default 30. */
  breakerCooldownSeconds?: number;
  /** Feeds to deploy, default ETH/USD with 8 decimals. */
  feeds?: Array<{ name: string; decimals?: number; startPrice?: number }>;
  /** Seed of every key (validators, deployer, publisher), default 'chainprobe-devnet'. */
  seed?: string;
  /** Chain id, default 138. */
  chainId?: number;
  /** Start the Kubernetes stand-in when it is available, default true. */
  kube?: boolean;
  logger?: Logger;
}

/** One HTTP endpoint of the devnet. */
export interface DevnetEndpoint {
  name: string;
  url: string;
  role: 'validator' | 'rpc' | 'gateway';
  qbftApi: boolean;
  validatorAddress?: string;
}

/** One deployed oracle feed. */
export interface DevnetFeed {
  name: string;
  address: string;
  decimals: number;
  heartbeatSeconds: number;
}

/** A running devnet. */
export interface Devnet {
  chainId: number;
  endpoints: DevnetEndpoint[];
  /** Validator addresses, sorted ascending (Besu's order). */
  validators: string[];
  feeds: DevnetFeed[];
  publisher: { address: string; breakerJsonUrl: string; breakerMetricsUrl: string };
  controlUrl: string;
  /** The Kubernetes stand-in's URL, when it runs. */
  kubeApiUrl?: string;
  anvil: { url: string; pid: number };
  ports: PortMap;
  blockPeriodSeconds: number;
  requestTimeoutSeconds: number;
  /** Switches fault `name`; `params.target` picks the target, other keys are its parameters. */
  setFault(name: string, on: boolean, params?: Record<string, unknown>): Promise<ActiveFault | undefined>;
  /** The active faults. */
  faults(): ActiveFault[];
  /** A JSON snapshot of the devnet (head, validators, producer, faults, publisher). */
  state(): Json;
  /** Stops every server and process; idempotent. */
  stop(): Promise<void>;
}

interface NodeSpec {
  name: string;
  role: 'validator' | 'rpc';
  qbftApi: boolean;
  port: number;
  key?: DevKey;
}

/** Starts anvil, the QBFT producer, the nodes, the gateway, the oracle and the control API. */
export async function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const runtime = new DevnetRuntime(normalise(opts));
  try {
    await runtime.start();
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  return runtime.api();
}

type Settings = Required<Omit<DevnetOptions, 'basePort' | 'feeds' | 'logger'>> & {
  basePort: number | undefined;
  feeds: Array<{ name: string; decimals: number; startPrice: number }>;
  logger: Logger;
};

function normalise(opts: DevnetOptions): Settings {
  const blockPeriodSeconds = opts.blockPeriodSeconds ?? 2;
  const validators = opts.validators ?? 4;
  if (!Number.isInteger(validators) || validators < 1) {
    throw new Error(`validators (${validators}) must be a positive integer`);
  }
  return {
    validators,
    blockPeriodSeconds,
    requestTimeoutSeconds: opts.requestTimeoutSeconds ?? 1,
    maxRoundTimerSeconds: opts.maxRoundTimerSeconds ?? 16,
    basePort: opts.basePort,
    heartbeatSeconds: opts.heartbeatSeconds ?? 5,
    publisherTxTimeoutSeconds: opts.publisherTxTimeoutSeconds ?? Math.max(3 * blockPeriodSeconds, 5),
    breakerFailureThreshold: opts.breakerFailureThreshold ?? 3,
    breakerCooldownSeconds: opts.breakerCooldownSeconds ?? 30,
    feeds: (opts.feeds ?? [{ name: 'ETH/USD' }]).map((f) => ({
      name: f.name, decimals: f.decimals ?? 8, startPrice: f.startPrice ?? 3000,
    })),
    seed: opts.seed ?? 'chainprobe-devnet',
    chainId: opts.chainId ?? 138,
    kube: opts.kube ?? true,
    logger: opts.logger ?? pino({ level: 'silent' }),
  };
}

const hex = (n: number) => `0x${n.toString(16)}`;
// 1000 ETH for the deployer and the publisher.
const FUNDING = `0x${(10n ** 21n).toString(16)}`;

/** Everything a running devnet owns; api() exposes the public part. */
class DevnetRuntime implements FaultHost {
  private readonly chain = new BftChain();
  private readonly hold = new TxHold();
  private readonly keys: DevKey[];
  private readonly validatorAddresses: string[];
  private readonly store: FaultStore;
  private readonly random: () => number;
  private readonly forks = new Map<string, ForkBranch>();
  private readonly nodes: NodeSpec[] = [];
  private readonly endpoints = new Map<string, HttpEndpoint>();
  private readonly pendingVotes = new Map<string, Map<string, boolean>>();
  private ports: PortMap | undefined;
  private anvilProcess: AnvilProcess | undefined;
  private producer: BlockProducer | undefined;
  private publisher: OraclePublisher | undefined;
  private publisherEndpoint: HttpEndpoint | undefined;
  private controlEndpoint: HttpEndpoint | undefined;
  private kube: KubeStandIn | undefined;
  private feeds: DevnetFeed[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly s: Settings) {
    this.keys = deriveValidatorKeys(s.seed, s.validators);
    this.validatorAddresses = sortValidators(this.keys.map((k) => k.address));
    this.store = new FaultStore(this);
    this.random = seededRandom(Number.parseInt(keccak256(toUtf8Bytes(s.seed)).slice(2, 10), 16));
  }

  async start(): Promise<void> {
    const s = this.s;
    this.ports = await planPorts(s.validators, s.basePort);
    this.anvilProcess = await startAnvil({
      port: this.ports.anvil, chainId: s.chainId, genesisTimestamp: Math.floor(Date.now() / 1000),
    });
    s.logger.info({ url: this.anvilProcess.url, pid: this.anvilProcess.pid }, 'anvil started');

    this.producer = new BlockProducer({
      anvilUrl: this.anvilProcess.url, chain: this.chain, validators: this.validatorAddresses,
      keysByAddress: new Map(this.keys.map((k) => [k.address, k])),
      blockPeriodSeconds: s.blockPeriodSeconds, requestTimeoutSeconds: s.requestTimeoutSeconds,
      maxRoundTimerSeconds: s.maxRoundTimerSeconds,
      isLive: (address) => this.isValidatorLive(address),
      isHalted: () => this.store.isOn('chain-halt'),
      periodFactor: () => Number(this.store.get('slow-blocks')?.params.factor ?? 1),
      random: this.random, hold: this.hold, logger: s.logger.child({ component: 'producer' }),
    });
    await this.producer.start();

    await this.startNodes(this.ports);
    await this.startControl(this.ports);
    await this.startOracle(this.ports);
    await this.startKube();
    await this.reconcile();
  }

  private async startNodes(ports: PortMap): Promise<void> {
    this.keys.forEach((key, i) => {
      this.nodes.push({ name: `validator-${i}`, role: 'validator', qbftApi: true, port: ports.validators[i] as number, key });
    });
    this.nodes.push({ name: 'rpc-0', role: 'rpc', qbftApi: true, port: ports.rpc[0] });
    this.nodes.push({ name: 'rpc-1', role: 'rpc', qbftApi: false, port: ports.rpc[1] });
    for (const node of this.nodes) {
      const endpoint = new HttpEndpoint(node.port, createNodeHandler(this.nodeContext(node), {
        hangs: () => this.store.isOn('rpc-hang', node.name),
        latencyMs: () => Number(this.store.get('rpc-slow', node.name)?.params.latencyMs ?? 0),
        rateLimit: () => {
          const fault = this.store.get('rpc-rate-limit', node.name);
          return fault ? Number(fault.params.rps) : undefined;
        },
        error: () => {
          const fault = this.store.get('rpc-error', node.name);
          return fault ? { rate: Number(fault.params.rate), mode: String(fault.params.mode) } : undefined;
        },
      }, this.random));
      await endpoint.setUp(true);
      this.endpoints.set(node.name, endpoint);
    }
    const gateway = new HttpEndpoint(ports.gateway, createGatewayHandler({
      backends: [this.urlOf('rpc-0'), this.urlOf('rpc-1')],
      faults: {
        error: () => {
          const fault = this.store.get('gateway-error', 'gateway');
          return fault ? { status: Number(fault.params.status), rate: Number(fault.params.rate) } : undefined;
        },
      },
      random: this.random,
    }));
    await gateway.setUp(true);
    this.endpoints.set('gateway', gateway);
  }

  private nodeContext(node: NodeSpec): NodeRpcContext {
    const votes = new Map<string, boolean>();
    this.pendingVotes.set(node.name, votes);
    return {
      name: node.name, qbftApi: node.qbftApi, anvilUrl: this.anvilUrl(), chain: this.chain,
      validators: this.validatorAddresses, requestTimeoutSeconds: this.s.requestTimeoutSeconds,
      view: () => this.viewOf(node.name),
      chainId: () => Number(this.store.get('rpc-wrong-chain-id', node.name)?.params.chainId ?? this.s.chainId),
      peerCount: () => this.nodes.filter((n) => n.name !== node.name && !this.isNodeDown(n.name)).length,
      syncing: () => this.syncingOf(node.name),
      ...(node.key ? { validatorAddress: node.key.address } : {}),
      pendingVotes: votes,
    };
  }

  private viewOf(name: string): ChainView {
    let view: ChainView = canonicalView(this.chain);
    const fork = this.store.get('rpc-fork', name);
    if (fork) {
      const from = Number(fork.params.fromBlock);
      const key = `${name}@${from}`;
      let branch = this.forks.get(key);
      if (!branch) {
        const keysByAddress = new Map(this.keys.map((k) => [k.address, k]));
        branch = new ForkBranch(this.chain, keysByAddress, this.validatorAddresses, from);
        this.forks.set(key, branch);
      }
      view = branch;
    }
    const stuck = this.store.get('rpc-stuck', name);
    return stuck ? stuckView(view, Number(stuck.params.head)) : view;
  }

  private syncingOf(name: string): false | JsonObject {
    const stuck = this.store.get('rpc-stuck', name);
    if (!stuck) return false;
    const current = hex(Math.min(Number(stuck.params.head), this.chain.head()));
    return { startingBlock: current, currentBlock: current, highestBlock: hex(this.chain.head()) };
  }

  private isValidatorLive(address: string): boolean {
    const index = this.keys.findIndex((k) => k.address === address);
    return index >= 0 && !this.isValidatorDown(`validator-${index}`);
  }

  private isValidatorDown(name: string): boolean {
    if (this.store.isOn('validator-down', name)) return true;
    const many = this.store.get('validators-down');
    return many !== undefined && String(many.params.down).split(',').includes(name);
  }

  private isNodeDown(name: string): boolean {
    return this.store.isOn('rpc-down', name) || (name.startsWith('validator-') && this.isValidatorDown(name));
  }

  /** Brings every endpoint to the state the active faults ask for. */
  private async reconcile(): Promise<void> {
    for (const node of this.nodes) {
      await this.endpoints.get(node.name)?.setUp(!this.isNodeDown(node.name));
    }
    await this.publisherEndpoint?.setUp(!this.store.isOn('publisher-stopped'));
  }

  private async startControl(ports: PortMap): Promise<void> {
    this.controlEndpoint = new HttpEndpoint(ports.control, createControlHandler({
      setFault: (name, request) => this.setFault(name, request.on, { ...request.params, target: request.target }),
      faults: () => this.store.all(),
      definitions: () => this.store.list(),
      state: () => this.state(),
    }));
    await this.controlEndpoint.setUp(true);
  }

  private async startOracle(ports: PortMap): Promise<void> {
    const s = this.s;
    const deployer = deriveKey(s.seed, 'deployer');
    const publisherKey = deriveKey(s.seed, 'oracle-publisher');
    for (const account of [deployer, publisherKey]) {
      await callRpc(this.anvilUrl(), 'anvil_setBalance', [account.address, FUNDING]);
    }
    const artifact = await compileFeed();
    const deployUrl = this.urlOf('validator-0');
    for (const [i, feed] of s.feeds.entries()) {
      const address = await deployFeed(deployUrl, deployer.privateKey, i, artifact, {
        decimals: feed.decimals, description: feed.name, transmitter: publisherKey.address,
      }, s.chainId);
      this.feeds.push({ name: feed.name, address, decimals: feed.decimals, heartbeatSeconds: s.heartbeatSeconds });
    }

    this.publisher = new OraclePublisher({
      rpcUrl: this.urlOf('gateway'), privateKey: publisherKey.privateKey, chainId: s.chainId,
      feeds: this.feeds.map((f, i) => ({ ...f, startPrice: s.feeds[i]?.startPrice ?? 1 })),
      heartbeatSeconds: s.heartbeatSeconds, txTimeoutMs: s.publisherTxTimeoutSeconds * 1000,
      breaker: new CircuitBreaker({
        failureThreshold: s.breakerFailureThreshold, cooldownMs: s.breakerCooldownSeconds * 1000,
      }),
      faults: {
        stopped: () => this.store.isOn('publisher-stopped'),
        breakerForcedOpen: () => this.store.isOn('breaker-open'),
        stuckTx: () => this.store.isOn('publisher-stuck-tx'),
        badAnswer: () => {
          const fault = this.store.get('oracle-bad-answer');
          return fault ? BigInt(fault.params.answer as number) : undefined;
        },
      },
      hold: this.hold, random: this.random, logger: s.logger.child({ component: 'publisher' }),
    });
    this.publisherEndpoint = new HttpEndpoint(ports.publisher, this.publisher.handler());
    await this.publisherEndpoint.setUp(true);
    this.publisher.start();
  }

  private async startKube(): Promise<void> {
    if (!this.s.kube) return;
    const pods = [
      ...this.nodes.map((n) => ({
        name: podNameOf(n.name), component: n.role, ...(n.key ? { validatorAddress: n.key.address } : {}),
      })),
      { name: PUBLISHER_POD, app: 'oracle-publisher' },
    ];
    const port = this.ports?.kube;
    this.kube = await startKubeStandIn({
      namespace: 'besu-network', pods, ...(port === undefined ? {} : { port }),
    });
  }

  private anvilUrl(): string {
    if (!this.anvilProcess) throw new Error('anvil is not running');
    return this.anvilProcess.url;
  }

  private urlOf(name: string): string {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw new Error(`no endpoint ${name}`);
    return endpoint.url;
  }

  async setFault(name: string, on: boolean, params: Record<string, unknown> = {}) {
    const { target, ...rest } = params;
    const fault = await this.store.set(name, {
      on, params: rest, ...(typeof target === 'string' ? { target } : {}),
    });
    await this.reconcile();
    this.s.logger.info({ fault: name, on, target }, 'fault switched');
    return fault;
  }

  // FaultHost
  validatorNames(): string[] {
    return this.keys.map((_, i) => `validator-${i}`);
  }

  nodeNames(): string[] {
    return this.nodes.map((n) => n.name);
  }

  podNames(): string[] {
    return [...this.nodes.map((n) => podNameOf(n.name)), PUBLISHER_POD];
  }

  chainHead(): number {
    return this.chain.head();
  }

  podAlias(name: string): string | undefined {
    if (name === 'publisher' || name === 'oracle-publisher') return PUBLISHER_POD;
    return this.nodes.some((n) => n.name === name) ? podNameOf(name) : undefined;
  }

  async setPublisherBroke(broke: boolean): Promise<void> {
    if (!this.publisher) throw new Error('the oracle publisher is not running');
    const balance = broke ? '0x0' : FUNDING;
    await callRpc(this.anvilUrl(), 'anvil_setBalance', [this.publisher.address, balance]);
  }

  setPodFault(pod: string, fault: PodFault | null): void {
    if (!this.kube) throw new Error('the Kubernetes stand-in is not running');
    this.kube.setPodFault(pod, fault);
  }

  setKubeApiFault(fault: KubeApiFault | null): void {
    if (!this.kube) throw new Error('the Kubernetes stand-in is not running');
    this.kube.setApiFault(fault);
  }

  state(): Json {
    const head = this.chain.at(this.chain.head());
    return {
      chainId: this.s.chainId,
      head: head ? { number: head.number, hash: head.hash, timestamp: head.timestamp, miner: head.miner, round: head.round } : null,
      blockPeriodSeconds: this.s.blockPeriodSeconds,
      requestTimeoutSeconds: this.s.requestTimeoutSeconds,
      faultTolerance: faultTolerance(this.s.validators),
      validators: this.keys.map((k, i) => ({
        name: `validator-${i}`, address: k.address, live: this.isValidatorLive(k.address),
      })),
      producer: this.producer ? { ...this.producer.stats } : null,
      endpoints: [...this.endpoints].map(([name, e]) => ({ name, url: e.url, up: e.isUp })),
      faults: this.store.all() as unknown as Json,
      publisher: this.publisher?.status() ?? null,
      feeds: this.feeds as unknown as Json,
      kubeApiUrl: this.kube?.url ?? null,
    };
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    await this.publisher?.stop();
    await this.producer?.stop();
    for (const endpoint of [...this.endpoints.values(), this.publisherEndpoint, this.controlEndpoint]) {
      await endpoint?.setUp(false);
    }
    await this.kube?.stop();
    await this.anvilProcess?.stop();
  }

  api(): Devnet {
    const ports = this.ports as PortMap;
    const anvil = this.anvilProcess as AnvilProcess;
    const publisherUrl = this.publisherEndpoint?.url ?? '';
    return {
      chainId: this.s.chainId,
      endpoints: [
        ...this.nodes.map((n) => ({
          name: n.name, url: this.urlOf(n.name), role: n.role, qbftApi: n.qbftApi,
          ...(n.key ? { validatorAddress: n.key.address } : {}),
        })),
        { name: 'gateway', url: this.urlOf('gateway'), role: 'gateway' as const, qbftApi: false },
      ],
      validators: [...this.validatorAddresses],
      feeds: this.feeds.map((f) => ({ ...f })),
      publisher: {
        address: this.publisher?.address ?? '',
        breakerJsonUrl: `${publisherUrl}/status`,
        breakerMetricsUrl: `${publisherUrl}/metrics`,
      },
      controlUrl: this.controlEndpoint?.url ?? '',
      ...(this.kube ? { kubeApiUrl: this.kube.url } : {}),
      anvil: { url: anvil.url, pid: anvil.pid },
      ports,
      blockPeriodSeconds: this.s.blockPeriodSeconds,
      requestTimeoutSeconds: this.s.requestTimeoutSeconds,
      setFault: (name, on, params) => this.setFault(name, on, params),
      faults: () => this.store.all(),
      state: () => this.state(),
      stop: () => this.stop(),
    };
  }
}

/** The publisher's pod in the Kubernetes stand-in (Deployment oracle-publisher). */
export const PUBLISHER_POD = 'oracle-publisher-0';

/** The pod name of a devnet node: validator-2 -> besu-validator-2, rpc-0 -> besu-rpc-0. */
export function podNameOf(nodeName: string): string {
  return `besu-${nodeName}`;
}
