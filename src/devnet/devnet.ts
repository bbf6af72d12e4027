import { keccak256, toUtf8Bytes } from 'ethers';
import { pino, type Logger } from 'pino';
import { faultTolerance, sortValidators } from '../consensus/proposer.js';
import { startAnvil, type AnvilProcess } from './anvil.js';
import type { AnvilBinary } from './anvil-binary.js';
import { AnvilWatch } from './anvil-watch.js';
import { BftChain } from './bft-chain.js';
import { createControlHandler } from './control.js';
import { gatewayFaults, nodeHttpFaults, publisherFaults, voteFaults } from './fault-readers.js';
import {
  FaultStore,
  type ActiveFault,
  type FaultHost,
  type KubeApiFault,
  type PodFault,
} from './faults.js';
import { createGatewayHandler } from './gateway.js';
import { HttpEndpoint } from './http-endpoint.js';
import { callRpc, type Json } from './jsonrpc.js';
import { deriveKey, deriveValidatorKeys, type DevKey } from './keys.js';
import { startKubeStandIn, type KubeStandIn } from './kube-link.js';
import { createNodeHandler } from './node-server.js';
import { NodeViews } from './node-views.js';
import {
  createPublisher,
  deployFeeds,
  fundAccounts,
  FUNDING_WEI,
  type DeployedFeed,
} from './oracle-setup.js';
import { planPorts, type PortMap } from './ports.js';
import { BlockProducer, seededRandom } from './producer.js';
import type { OraclePublisher } from './publisher.js';
import { TxHold } from './tx-hold.js';
import { restoreOwnership, sendValue, transferOwnership } from './security-faults.js';
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
  /** The EVM underneath: `pid` is the anvil binary's (the npm launcher's if `kind` says so). */
  anvil: { url: string; pid: number; kind: AnvilBinary['kind'] };
  /**
   * Rejects with a DevnetError (code anvil-exited) if anvil exits while the devnet runs: nothing
   * restarts it, the nodes answer HTTP 502 until stop(). Never settles otherwise.
   */
  failed: Promise<never>;
  ports: PortMap;
  blockPeriodSeconds: number;
  requestTimeoutSeconds: number;
  /** Switches fault `name`; `params.target` picks the target, other keys are its parameters. */
  setFault(
    name: string,
    on: boolean,
    params?: Record<string, unknown>,
  ): Promise<ActiveFault | undefined>;
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
    publisherTxTimeoutSeconds:
      opts.publisherTxTimeoutSeconds ?? Math.max(3 * blockPeriodSeconds, 5),
    breakerFailureThreshold: opts.breakerFailureThreshold ?? 3,
    breakerCooldownSeconds: opts.breakerCooldownSeconds ?? 30,
    feeds: (opts.feeds ?? [{ name: 'ETH/USD' }]).map((f) => ({
      name: f.name,
      decimals: f.decimals ?? 8,
      startPrice: f.startPrice ?? 3000,
    })),
    seed: opts.seed ?? 'chainprobe-devnet',
    chainId: opts.chainId ?? 138,
    kube: opts.kube ?? true,
    logger: opts.logger ?? pino({ level: 'silent' }),
  };
}

/** Everything a running devnet owns; api() exposes the public part. */
class DevnetRuntime implements FaultHost {
  private readonly chain = new BftChain();
  private readonly hold = new TxHold();
  private readonly keys: DevKey[];
  private readonly validatorAddresses: string[];
  private readonly store: FaultStore;
  private readonly views: NodeViews;
  private readonly random: () => number;
  private readonly nodes: NodeSpec[] = [];
  private readonly endpoints = new Map<string, HttpEndpoint>();
  private ports: PortMap | undefined;
  private anvilProcess: AnvilProcess | undefined;
  private watch: AnvilWatch | undefined;
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
    this.views = new NodeViews(this.chain, this.keys, this.validatorAddresses, this.store);
    this.random = seededRandom(Number.parseInt(keccak256(toUtf8Bytes(s.seed)).slice(2, 10), 16));
  }

  async start(): Promise<void> {
    this.ports = await planPorts(this.s.validators, this.s.basePort);
    this.anvilProcess = await startAnvil({
      port: this.ports.anvil,
      chainId: this.s.chainId,
      genesisTimestamp: Math.floor(Date.now() / 1000),
    });
    const { url, pid, binary } = this.anvilProcess;
    // anvilPid, not pid: pino already writes this process's pid under `pid`.
    this.s.logger.info({ url, anvilPid: pid, binary: binary.path }, 'anvil started');
    this.startWatch(this.anvilProcess);

    await this.startProducer(this.anvilProcess.url);
    await this.startNodes(this.ports);
    await this.startGateway(this.ports);
    await this.startControl(this.ports);
    await this.startOracle(this.ports);
    await this.startKube();
    await this.reconcile();
  }

  private startWatch(anvil: AnvilProcess): void {
    this.watch = new AnvilWatch({ anvil, logger: this.s.logger.child({ component: 'anvil' }) });
    this.watch.start();
    // Without anvil, blocks and publishes only fail: stop them so they do not fill the log.
    this.watch.failed.catch(() => {
      void this.producer?.stop();
      void this.publisher?.stop();
    });
  }

  private async startProducer(anvilUrl: string): Promise<void> {
    const s = this.s;
    this.producer = new BlockProducer({
      anvilUrl,
      chain: this.chain,
      validators: this.validatorAddresses,
      keysByAddress: new Map(this.keys.map((k) => [k.address, k])),
      blockPeriodSeconds: s.blockPeriodSeconds,
      requestTimeoutSeconds: s.requestTimeoutSeconds,
      maxRoundTimerSeconds: s.maxRoundTimerSeconds,
      isLive: (address) => this.isValidatorLive(address),
      isHalted: () => this.store.isOn('chain-halt'),
      periodFactor: () => Number(this.store.get('slow-blocks')?.params.factor ?? 1),
      random: this.random,
      hold: this.hold,
      poolStuck: () => this.store.isOn('tx-pool-stuck'),
      logger: s.logger.child({ component: 'producer' }),
    });
    await this.producer.start();
  }

  private async startNodes(ports: PortMap): Promise<void> {
    this.keys.forEach((key, i) => {
      const port = ports.validators[i] as number;
      this.nodes.push({ name: `validator-${i}`, role: 'validator', qbftApi: true, port, key });
    });
    this.nodes.push({ name: 'rpc-0', role: 'rpc', qbftApi: true, port: ports.rpc[0] });
    this.nodes.push({ name: 'rpc-1', role: 'rpc', qbftApi: false, port: ports.rpc[1] });

    for (const node of this.nodes) {
      const faults = nodeHttpFaults(this.store, node.name);
      const handler = createNodeHandler(this.nodeContext(node), faults, this.random);
      const endpoint = new HttpEndpoint(node.port, handler);
      await endpoint.setUp(true);
      this.endpoints.set(node.name, endpoint);
    }
  }

  private async startGateway(ports: PortMap): Promise<void> {
    const handler = createGatewayHandler({
      backends: [this.urlOf('rpc-0'), this.urlOf('rpc-1')],
      faults: gatewayFaults(this.store),
      random: this.random,
    });
    const gateway = new HttpEndpoint(ports.gateway, handler);
    await gateway.setUp(true);
    this.endpoints.set('gateway', gateway);
  }

  private nodeContext(node: NodeSpec): NodeRpcContext {
    const wrongChainId = () => this.store.get('rpc-wrong-chain-id', node.name)?.params.chainId;
    return {
      name: node.name,
      qbftApi: node.qbftApi,
      anvilUrl: this.anvilUrl(),
      chain: this.chain,
      validators: this.validatorAddresses,
      requestTimeoutSeconds: this.s.requestTimeoutSeconds,
      view: () => this.views.viewOf(node.name, this.nodes.indexOf(node)),
      chainId: () => Number(wrongChainId() ?? this.s.chainId),
      peerCount: () => this.nodes.filter((n) => n !== node && !this.isNodeDown(n.name)).length,
      syncing: () => this.views.syncingOf(node.name),
      ...(node.key ? { validatorAddress: node.key.address } : {}),
      pendingVotes: new Map(),
      faultVotes: voteFaults(this.store),
      anvilDown: () => this.watch?.downReason(),
    };
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
    if (this.store.isOn('rpc-down', name)) return true;
    return name.startsWith('validator-') && this.isValidatorDown(name);
  }

  /** Brings every endpoint to the state the active faults ask for. */
  private async reconcile(): Promise<void> {
    for (const node of this.nodes) {
      await this.endpoints.get(node.name)?.setUp(!this.isNodeDown(node.name));
    }
    await this.publisherEndpoint?.setUp(!this.store.isOn('publisher-stopped'));
  }

  private async startControl(ports: PortMap): Promise<void> {
    const handler = createControlHandler({
      setFault: (name, req) => this.setFault(name, req.on, { ...req.params, target: req.target }),
      faults: () => this.store.all(),
      definitions: () => this.store.list(),
      state: () => this.state(),
    });
    this.controlEndpoint = new HttpEndpoint(ports.control, handler);
    await this.controlEndpoint.setUp(true);
  }

  private async startOracle(ports: PortMap): Promise<void> {
    const s = this.s;
    const deployer = deriveKey(s.seed, 'deployer');
    const publisherKey = deriveKey(s.seed, 'oracle-publisher');
    await fundAccounts(this.anvilUrl(), [deployer, publisherKey]);
    // Deploy through a validator node: the receipt shows once the block is served.
    const url = this.urlOf('validator-0');
    const deployed = await deployFeeds(url, deployer, publisherKey.address, s.feeds, s.chainId);
    this.feeds = deployed.map(({ name, address, decimals }) => ({
      name,
      address,
      decimals,
      heartbeatSeconds: s.heartbeatSeconds,
    }));

    this.publisher = this.createPublisher(publisherKey, deployed);
    this.publisherEndpoint = new HttpEndpoint(ports.publisher, this.publisher.handler());
    await this.publisherEndpoint.setUp(true);
    this.publisher.start();
  }

  private createPublisher(key: DevKey, feeds: DeployedFeed[]): OraclePublisher {
    const s = this.s;
    return createPublisher({
      gatewayUrl: this.urlOf('gateway'),
      key,
      chainId: s.chainId,
      feeds,
      heartbeatSeconds: s.heartbeatSeconds,
      txTimeoutSeconds: s.publisherTxTimeoutSeconds,
      breakerFailureThreshold: s.breakerFailureThreshold,
      breakerCooldownSeconds: s.breakerCooldownSeconds,
      faults: publisherFaults(this.store),
      hold: this.hold,
      random: this.random,
      logger: s.logger.child({ component: 'publisher' }),
    });
  }

  private async startKube(): Promise<void> {
    if (!this.s.kube) return;
    const pods = [
      ...this.nodes.map((n) => ({
        name: podNameOf(n.name),
        component: n.role,
        ...(n.key ? { validatorAddress: n.key.address } : {}),
      })),
      { name: PUBLISHER_POD, app: 'oracle-publisher' },
    ];
    const port = this.ports?.kube;
    this.kube = await startKubeStandIn({
      namespace: KUBE_NAMESPACE,
      pods,
      ...(port === undefined ? {} : { port }),
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
      on,
      params: rest,
      ...(typeof target === 'string' ? { target } : {}),
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

  podAlias(name: string): string | undefined {
    if (name === 'publisher' || name === 'oracle-publisher') return PUBLISHER_POD;
    return this.nodes.some((n) => n.name === name) ? podNameOf(name) : undefined;
  }

  chainHead(): number {
    return this.chain.head();
  }

  async setPublisherBroke(broke: boolean): Promise<void> {
    if (!this.publisher) throw new Error('the oracle publisher is not running');
    const balance = broke ? '0x0' : FUNDING_WEI;
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

  async sendFromPublisher(to: string, valueEther: number): Promise<string> {
    const key = deriveKey(this.s.seed, 'oracle-publisher');
    return sendValue(this.anvilUrl(), key, this.s.chainId, to, valueEther);
  }

  async setFeedOwner(owner: string | null): Promise<void> {
    const feed = this.feeds[0];
    if (!feed) throw new Error('no feed is deployed');
    const deployer = deriveKey(this.s.seed, 'deployer');
    const current = String(
      await callRpc(this.anvilUrl(), 'eth_call', [
        { to: feed.address, data: '0x8da5cb5b' }, // owner()
        'latest',
      ]),
    );
    const currentOwner = `0x${current.slice(-40)}`;
    if (owner !== null) {
      await transferOwnership(this.anvilUrl(), deployer, this.s.chainId, feed.address, owner);
    } else if (currentOwner !== deployer.address) {
      await restoreOwnership(this.anvilUrl(), feed.address, currentOwner, deployer.address);
    }
  }

  state(): Json {
    const head = this.chain.at(this.chain.head());
    const { number, hash, timestamp, miner, round } = head ?? {};
    return {
      chainId: this.s.chainId,
      head: head ? { number, hash, timestamp, miner, round } : null,
      anvil: this.anvilState(),
      blockPeriodSeconds: this.s.blockPeriodSeconds,
      requestTimeoutSeconds: this.s.requestTimeoutSeconds,
      faultTolerance: faultTolerance(this.s.validators),
      validators: this.keys.map((k, i) => ({
        name: `validator-${i}`,
        address: k.address,
        live: this.isValidatorLive(k.address),
      })),
      producer: this.producer ? { ...this.producer.stats } : null,
      endpoints: [...this.endpoints].map(([name, e]) => ({ name, url: e.url, up: e.isUp })),
      faults: this.store.all() as unknown as Json,
      publisher: this.publisher?.status() ?? null,
      feeds: this.feeds as unknown as Json,
      kubeApiUrl: this.kube?.url ?? null,
    } as Json;
  }

  private anvilState(): Json {
    if (!this.anvilProcess || !this.watch) return null;
    const { url, pid, binary } = this.anvilProcess;
    return { url, pid, kind: binary.kind, health: this.watch.health };
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  // Each step runs even if an earlier one failed, so no process or port is left behind.
  private async stopAll(): Promise<void> {
    const endpoints = [...this.endpoints.values(), this.publisherEndpoint, this.controlEndpoint];
    const steps: Array<() => Promise<void> | undefined> = [
      () => Promise.resolve(this.watch?.stop()),
      () => this.publisher?.stop(),
      () => this.producer?.stop(),
      ...endpoints.map((endpoint) => () => endpoint?.setUp(false)),
      () => this.kube?.stop(),
      () => this.anvilProcess?.stop(),
    ];
    for (const step of steps) {
      await Promise.resolve()
        .then(step)
        .catch((err: unknown) => this.s.logger.error({ err }, 'stop step failed'));
    }
  }

  api(): Devnet {
    const anvil = this.anvilProcess as AnvilProcess;
    const publisherUrl = this.publisherEndpoint?.url ?? '';
    return {
      chainId: this.s.chainId,
      endpoints: this.endpointList(),
      validators: [...this.validatorAddresses],
      feeds: this.feeds.map((f) => ({ ...f })),
      publisher: {
        address: this.publisher?.address ?? '',
        breakerJsonUrl: `${publisherUrl}/status`,
        breakerMetricsUrl: `${publisherUrl}/metrics`,
      },
      controlUrl: this.controlEndpoint?.url ?? '',
      ...(this.kube ? { kubeApiUrl: this.kube.url } : {}),
      anvil: { url: anvil.url, pid: anvil.pid, kind: anvil.binary.kind },
      failed: (this.watch as AnvilWatch).failed,
      ports: this.ports as PortMap,
      blockPeriodSeconds: this.s.blockPeriodSeconds,
      requestTimeoutSeconds: this.s.requestTimeoutSeconds,
      setFault: (name, on, params) => this.setFault(name, on, params),
      faults: () => this.store.all(),
      state: () => this.state(),
      stop: () => this.stop(),
    };
  }

  private endpointList(): DevnetEndpoint[] {
    const nodes = this.nodes.map((n) => ({
      name: n.name,
      url: this.urlOf(n.name),
      role: n.role,
      qbftApi: n.qbftApi,
      ...(n.key ? { validatorAddress: n.key.address } : {}),
    }));
    return [
      ...nodes,
      { name: 'gateway', url: this.urlOf('gateway'), role: 'gateway', qbftApi: false },
    ];
  }
}

/** The Kubernetes namespace the stand-in serves. */
export const KUBE_NAMESPACE = 'besu-network';

/** The publisher's pod in the Kubernetes stand-in (Deployment oracle-publisher). */
export const PUBLISHER_POD = 'oracle-publisher-0';

/** The pod name of a devnet node: validator-2 -> besu-validator-2, rpc-0 -> besu-rpc-0. */
export function podNameOf(nodeName: string): string {
  return `besu-${nodeName}`;
}
