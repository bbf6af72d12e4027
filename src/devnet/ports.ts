import { createServer } from 'node:net';

/** Fixed port offsets from `basePort`; the documented port map (see docs/devnet.md). */
export const PORT_OFFSETS = {
  gateway: 0,
  'rpc-0': 1,
  'rpc-1': 2,
  validatorBase: 10,
  publisher: 20,
  control: 30,
  kube: 31,
  anvil: 40,
} as const;

/** Highest validator count the fixed port map has room for (B+10 .. B+19). */
export const MAX_VALIDATORS_WITH_BASE_PORT = 10;

/** Asks the OS for a free 127.0.0.1 TCP port (bind to 0, read it back, release it). */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The port map of a devnet: fixed from `basePort` when given, else free ports chosen by the OS. */
export interface PortMap {
  gateway: number;
  rpc: [number, number];
  validators: number[];
  publisher: number;
  control: number;
  /** The Kubernetes stand-in; undefined (OS-chosen) without basePort. */
  kube: number | undefined;
  anvil: number;
}

/** Builds the port map for `validators` validators; `basePort` makes it fixed and documented. */
export async function planPorts(validators: number, basePort?: number): Promise<PortMap> {
  if (basePort === undefined) return freePorts(validators);
  if (validators > MAX_VALIDATORS_WITH_BASE_PORT) {
    throw new Error(`validators (${validators}) must be at most 10 when basePort is given`);
  }

  const b = basePort;
  return {
    gateway: b + PORT_OFFSETS.gateway,
    rpc: [b + PORT_OFFSETS['rpc-0'], b + PORT_OFFSETS['rpc-1']],
    validators: Array.from({ length: validators }, (_, i) => b + PORT_OFFSETS.validatorBase + i),
    publisher: b + PORT_OFFSETS.publisher,
    control: b + PORT_OFFSETS.control,
    kube: b + PORT_OFFSETS.kube,
    anvil: b + PORT_OFFSETS.anvil,
  };
}

async function freePorts(validators: number): Promise<PortMap> {
  const ports: number[] = [];
  // Limitation: a free port found here could be taken by another process before we bind it.
  while (ports.length < validators + 6) {
    const port = await findFreePort();
    if (!ports.includes(port)) ports.push(port);
  }

  const [gateway, rpc0, rpc1, publisher, control, anvil] = ports as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const vals = ports.slice(6);
  return {
    gateway,
    rpc: [rpc0, rpc1],
    validators: vals,
    publisher,
    control,
    kube: undefined,
    anvil,
  };
}
