import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { PodFault as StandInPodFault } from './kube/objects.js';
import type { ApiFault } from './kube/status.js';

/** What a fault is aimed at: one validator, one node, the gateway, one pod, or nothing. */
export type FaultTargetKind = 'validator' | 'node' | 'gateway' | 'pod' | 'none';

/** Pod faults the Kubernetes stand-in understands. */
export type PodFault = StandInPodFault;

/** Kubernetes API faults the stand-in understands. */
export type KubeApiFault = ApiFault;

/** A fault's stored parameters (validated, defaults filled, plus values captured on activation). */
export type FaultParams = Record<string, string | number>;

/** What the devnet offers fault definitions for validation and side effects. */
export interface FaultHost {
  validatorNames(): string[];
  nodeNames(): string[];
  podNames(): string[];
  chainHead(): number;
  /** Empties (true) or refills (false) the publisher's account. */
  setPublisherBroke(broke: boolean): Promise<void>;
  /** The pod a short name stands for (validator-2 -> besu-validator-2), if any. */
  podAlias?(name: string): string | undefined;
  /** Forwards a pod fault to the Kubernetes stand-in; throws when it is not running. */
  setPodFault(pod: string, fault: PodFault | null): void;
  /** Forwards an API fault to the Kubernetes stand-in; throws when it is not running. */
  setKubeApiFault(fault: KubeApiFault | null): void;
  /** Sends a mined transaction of `valueEther` from the publisher to `to`; its hash. */
  sendFromPublisher?(to: string, valueEther: number): Promise<string>;
  /** Transfers the first feed's ownership to `owner`, or back to the deployer when null. */
  setFeedOwner?(owner: string | null): Promise<void>;
}

/** One switchable fault: its name, target kind, parameter schema and optional side effects. */
export interface FaultDefinition {
  name: string;
  description: string;
  target: FaultTargetKind;
  /** Target used when the request names none. */
  defaultTarget?: string;
  params: z.ZodType<FaultParams>;
  /** Runs when the fault turns on; returned values are stored with its params. */
  activate?(host: FaultHost, target: string, params: FaultParams): Promise<FaultParams | void>;
  /** Runs when the fault turns off. */
  deactivate?(host: FaultHost, target: string, params: FaultParams): Promise<void>;
}

const none = z.object({}).strict();
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte hex address');
const randomAddress = (): string => `0x${randomBytes(20).toString('hex')}`;
const num = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().min(min).max(max).default(def);
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);

function podFault(fault: PodFault, description: string): FaultDefinition {
  return {
    name: `pod-${fault}`,
    description,
    target: 'pod',
    params: none,
    activate: async (host, target) => host.setPodFault(target, fault),
    deactivate: async (host, target) => host.setPodFault(target, null),
  };
}

function kubeFault(fault: KubeApiFault, description: string): FaultDefinition {
  return {
    name: `kube-${fault}`,
    description,
    target: 'none',
    params: none,
    activate: async (host) => host.setKubeApiFault(fault),
    deactivate: async (host) => host.setKubeApiFault(null),
  };
}

/**
 * The registry of faults: the only list. Adding a fault is one entry here plus the component
 * that reads it through FaultStore.get().
 */
export const FAULTS: readonly FaultDefinition[] = [
  {
    name: 'validator-down',
    description:
      'A validator is offline: its proposer slots expire into round changes, its seals ' +
      'are absent and its node refuses connections.',
    target: 'validator',
    params: none,
  },
  {
    name: 'validators-down',
    description:
      'The last `count` validators are offline (default f+1, more than tolerated): ' +
      'the chain halts.',
    target: 'none',
    params: z.object({ count: int(0, 0, 100) }).strict(),
    activate: async (host, _target, params) => {
      const names = host.validatorNames();
      const faulty = Math.floor((names.length - 1) / 3);
      const count = Math.min(Number(params.count) || faulty + 1, names.length);
      return { count, down: names.slice(names.length - count).join(',') };
    },
  },
  {
    name: 'chain-halt',
    description: 'Consensus stalls: every round expires without a commit, so no block is made.',
    target: 'none',
    params: none,
  },
  {
    name: 'slow-blocks',
    description: 'Blocks come `factor` times slower than blockPeriodSeconds.',
    target: 'none',
    params: z.object({ factor: num(3, 1, 1000) }).strict(),
  },
  {
    name: 'rpc-slow',
    description: 'The node answers every HTTP request `latencyMs` late.',
    target: 'node',
    defaultTarget: 'rpc-0',
    params: z.object({ latencyMs: int(2000, 0, 600_000) }).strict(),
  },
  {
    name: 'rpc-error',
    description:
      'A fraction `rate` of requests fail: JSON-RPC -32603 (mode jsonrpc), HTTP 500 ' +
      '(mode http500) or either at random (mode mixed).',
    target: 'node',
    defaultTarget: 'rpc-0',
    params: z
      .object({
        rate: num(1, 0, 1),
        mode: z.enum(['jsonrpc', 'http500', 'mixed']).default('jsonrpc'),
      })
      .strict(),
  },
  {
    name: 'rpc-rate-limit',
    description: 'Requests beyond `rps` per second get HTTP 429 (rps 0: every request).',
    target: 'node',
    defaultTarget: 'rpc-0',
    params: z.object({ rps: int(0, 0, 1_000_000) }).strict(),
  },
  {
    name: 'rpc-hang',
    description: 'The node accepts connections and requests but never answers.',
    target: 'node',
    defaultTarget: 'rpc-0',
    params: none,
  },
  {
    name: 'rpc-down',
    description: 'The node refuses connections.',
    target: 'node',
    defaultTarget: 'rpc-0',
    params: none,
  },
  {
    name: 'rpc-wrong-chain-id',
    description: 'The node reports another chain id (eth_chainId and net_version).',
    target: 'node',
    defaultTarget: 'rpc-0',
    params: z.object({ chainId: int(1337, 0) }).strict(),
  },
  {
    name: 'rpc-stuck',
    description:
      'The node stops importing: it serves the head as of fault time and reports ' + 'syncing.',
    target: 'node',
    defaultTarget: 'rpc-0',
    params: z.object({ head: int(-1, -1) }).strict(),
    activate: async (host, _target, params) => ({
      head: Number(params.head) >= 0 ? Number(params.head) : host.chainHead(),
    }),
  },
  {
    name: 'rpc-fork',
    description:
      'The node is on a side branch: from block `fromBlock` (default head-depth+1) it ' +
      'serves different, validly sealed block hashes.',
    target: 'node',
    defaultTarget: 'rpc-0',
    params: z.object({ depth: int(3, 1), fromBlock: int(0, 0) }).strict(),
    activate: async (host, _target, params) => ({
      fromBlock:
        Number(params.fromBlock) > 0
          ? Number(params.fromBlock)
          : Math.max(1, host.chainHead() - Number(params.depth) + 1),
    }),
  },
  {
    name: 'gateway-error',
    description: 'The gateway answers a fraction `rate` of requests with HTTP `status` (502/503).',
    target: 'gateway',
    defaultTarget: 'gateway',
    params: z
      .object({
        status: z.coerce
          .number()
          .int()
          .refine((s) => s === 502 || s === 503, 'status must be 502 or 503')
          .default(502),
        rate: num(1, 0, 1),
      })
      .strict(),
  },
  {
    name: 'publisher-stopped',
    description: 'The oracle publisher process is stopped: no updates, its HTTP port refuses.',
    target: 'none',
    params: none,
  },
  {
    name: 'breaker-open',
    description: "The publisher's circuit breaker is forced open: it publishes nothing.",
    target: 'none',
    params: none,
  },
  {
    name: 'publisher-out-of-funds',
    description: "The publisher's account balance is zero: its transactions are rejected.",
    target: 'none',
    params: none,
    activate: async (host) => host.setPublisherBroke(true),
    deactivate: async (host) => host.setPublisherBroke(false),
  },
  {
    name: 'publisher-stuck-tx',
    description:
      'A publisher transaction stays in the pool unmined (like an underpriced one): pending ' +
      'nonce > latest nonce and later ones queue behind it; cleared, they all mine.',
    target: 'none',
    params: none,
  },
  {
    name: 'oracle-bad-answer',
    description: 'The publisher pushes `answer` (default 0; use a negative value for negative).',
    target: 'none',
    params: z.object({ answer: z.coerce.number().int().default(0) }).strict(),
  },
  podFault('crashloop', 'The pod is in CrashLoopBackOff (Kubernetes stand-in).'),
  podFault('not-ready', 'The pod runs but is not Ready (Kubernetes stand-in).'),
  podFault('evicted', 'The pod was evicted (Kubernetes stand-in).'),
  podFault('deleted', 'The pod is gone (Kubernetes stand-in).'),
  podFault('oomkilled', 'The pod restarted after an OOMKill and runs again (Kubernetes stand-in).'),
  kubeFault('forbidden', 'The Kubernetes API answers 403 Forbidden.'),
  kubeFault('unauthorized', 'The Kubernetes API answers 401 Unauthorized.'),
  kubeFault('hang', 'The Kubernetes API never answers.'),
  kubeFault('server-error', 'The Kubernetes API answers 500.'),
  kubeFault('slow', 'The Kubernetes API answers 1.5 s late.'),
  kubeFault('not-found', 'The Kubernetes API answers 404 for the namespace.'),
  {
    name: 'gateway-exposes-admin',
    description:
      'The gateway serves the privileged API `groups` (comma-separated, default admin,debug) ' +
      'itself instead of refusing them: admin_nodeInfo and admin_peers answer, other methods ' +
      'of those groups -32602 Invalid params.',
    target: 'gateway',
    defaultTarget: 'gateway',
    params: z
      .object({
        groups: z
          .string()
          .regex(/^[a-z]+(,[a-z]+)*$/)
          .default('admin,debug'),
      })
      .strict(),
  },
  {
    name: 'validator-vote-unknown',
    description:
      'Every QBFT node shows a pending vote to add `address` (default a random stranger) in ' +
      'qbft_getPendingVotes.',
    target: 'none',
    params: z.object({ address: address.optional() }).strict(),
    activate: async (_host, _target, params) => ({
      address: String(params.address ?? randomAddress()).toLowerCase(),
    }),
  },
  {
    name: 'publisher-tx-to-stranger',
    description:
      'The devnet sends a real transaction of `valueEther` (default 0) from the publisher ' +
      'account to `to` (default a random address), as a leaked key would.',
    target: 'none',
    params: z.object({ to: address.optional(), valueEther: num(0, 0, 100) }).strict(),
    activate: async (host, _target, params) => {
      if (!host.sendFromPublisher) throw new Error('the devnet cannot send for the publisher');
      const to = String(params.to ?? randomAddress()).toLowerCase();
      return { to, hash: await host.sendFromPublisher(to, Number(params.valueEther)) };
    },
  },
  {
    name: 'feed-owner-change',
    description:
      "The first feed's owner() is handed to `newOwner` (default a random address) by a real " +
      'transferOwnership from the deployer. Off: handed back to the deployer.',
    target: 'none',
    params: z.object({ newOwner: address.optional() }).strict(),
    activate: async (host, _target, params) => {
      if (!host.setFeedOwner) throw new Error('the devnet has no feed to hand over');
      const newOwner = String(params.newOwner ?? randomAddress()).toLowerCase();
      await host.setFeedOwner(newOwner);
      return { newOwner };
    },
    deactivate: async (host) => host.setFeedOwner?.(null),
  },
  {
    name: 'gateway-refuse-send',
    description:
      'The gateway refuses one JSON-RPC `method` (default eth_sendRawTransaction): HTTP 403 ' +
      '(mode http403) or JSON-RPC -32601 (mode jsonrpc); every other method passes.',
    target: 'gateway',
    defaultTarget: 'gateway',
    params: z
      .object({
        method: z.string().min(1).default('eth_sendRawTransaction'),
        mode: z.enum(['http403', 'jsonrpc']).default('http403'),
      })
      .strict(),
  },
  {
    name: 'tx-pool-stuck',
    description:
      'Blocks keep coming but carry no transaction: every pending one stays in the pool ' +
      '(pending nonce > latest). Off: they are mined with the next block.',
    target: 'none',
    params: none,
  },
];

/** A fault that is on. */
export interface ActiveFault {
  name: string;
  /** The target name, or '*' for faults without a target. */
  target: string;
  params: FaultParams;
  /** When it was switched on, ISO 8601. */
  since: string;
}

/** Why a fault request was refused; `status` is the HTTP status for the control API. */
export class FaultRequestError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
    this.name = 'FaultRequestError';
  }
}

/** A request to switch a fault: the body of POST /faults/<name>. */
export interface FaultRequest {
  on: boolean;
  target?: string;
  params?: Record<string, unknown>;
}

/** The faults that are on, with validation against the registry and the devnet's names. */
export class FaultStore {
  private readonly active = new Map<string, ActiveFault>();

  constructor(
    private readonly host: FaultHost,
    private readonly definitions: readonly FaultDefinition[] = FAULTS,
    private readonly onChange: () => void = () => {},
  ) {}

  /** The registered fault definitions. */
  list(): readonly FaultDefinition[] {
    return this.definitions;
  }

  /** The active fault `name` on `target` ('*' for untargeted faults), if on. */
  get(name: string, target = '*'): ActiveFault | undefined {
    return this.active.get(`${name}@${target}`);
  }

  /** Tells whether fault `name` is on for `target`. */
  isOn(name: string, target = '*'): boolean {
    return this.active.has(`${name}@${target}`);
  }

  /** Every active fault, oldest first. */
  all(): ActiveFault[] {
    return [...this.active.values()];
  }

  /** Switches a fault on (replacing earlier params) or off; returns the fault now stored. */
  async set(name: string, request: FaultRequest): Promise<ActiveFault | undefined> {
    const definition = this.definitions.find((d) => d.name === name);
    if (!definition) throw new FaultRequestError(`unknown fault ${name}`, 404);
    const target = this.resolveTarget(definition, request.target);
    // Validate before touching the active fault, so a bad request changes nothing.
    const params = request.on ? parseParams(definition, request.params) : undefined;

    await this.switchOff(definition, target);
    if (params === undefined) {
      this.onChange();
      return undefined;
    }

    const captured = await this.activate(definition, target, params);
    const since = new Date().toISOString();
    const fault = { name, target, params: { ...params, ...captured }, since };
    this.active.set(`${name}@${target}`, fault);
    this.onChange();
    return fault;
  }

  private async switchOff(definition: FaultDefinition, target: string): Promise<void> {
    const key = `${definition.name}@${target}`;
    const previous = this.active.get(key);
    if (!previous) return;
    await definition.deactivate?.(this.host, target, previous.params);
    this.active.delete(key);
  }

  private async activate(definition: FaultDefinition, target: string, params: FaultParams) {
    try {
      return (await definition.activate?.(this.host, target, params)) ?? {};
    } catch (err) {
      throw new FaultRequestError(`${definition.name} cannot be applied: ${String(err)}`, 409);
    }
  }

  private resolveTarget(definition: FaultDefinition, requested: string | undefined): string {
    if (definition.target === 'none') {
      if (requested === undefined) return '*';
      throw new FaultRequestError(`${definition.name} takes no target (got ${requested})`, 400);
    }
    let target = requested ?? definition.defaultTarget;
    if (definition.target === 'pod' && target !== undefined) {
      target = this.host.podAlias?.(target) ?? target;
    }
    if (target === undefined) {
      throw new FaultRequestError(`${definition.name} needs a target`, 400);
    }
    const allowed = this.targetsOf(definition.target);
    if (!allowed.includes(target)) {
      throw new FaultRequestError(
        `${definition.name}: target ${target} is not one of ${allowed.join(', ')}`,
        400,
      );
    }
    return target;
  }

  private targetsOf(kind: FaultTargetKind): string[] {
    switch (kind) {
      case 'validator':
        return this.host.validatorNames();
      case 'node':
        return this.host.nodeNames();
      case 'gateway':
        return ['gateway'];
      case 'pod':
        return this.host.podNames();
      case 'none':
        return ['*'];
    }
  }
}

function parseParams(definition: FaultDefinition, raw: Record<string, unknown> = {}): FaultParams {
  const parsed = definition.params.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`);
  throw new FaultRequestError(`bad params for ${definition.name}: ${issues.join('; ')}`, 400);
}
