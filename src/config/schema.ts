import { isIP } from 'node:net';
import { z } from 'zod';
import type { CaBundle } from './ca-bundle.js';

/** Names that end up in labels: short, printable, no URL characters. */
export const LabelName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, "_", "." or "-"');

/** A 20-byte hex address, normalised to lowercase. */
export const Address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address')
  .transform((s) => s.toLowerCase());

const Url = z
  .string()
  .refine((s) => /^https?:\/\//.test(s) && URL.canParse(s), 'must be an http(s) URL');

/** Timing fields shared by the global defaults and each probe. */
const Timing = {
  intervalMs: z
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .optional()
    .describe('Interval between runs; default global.intervalMs.'),
  timeoutMs: z
    .number()
    .int()
    .min(10)
    .max(600_000)
    .optional()
    .describe('Hard timeout of one run; default global.timeoutMs.'),
};

/** Process-wide settings; defaults suit a QBFT chain with a 2 s block period. */
export const GlobalSchema = z.strictObject({
  chainId: z.number().int().positive().default(138).describe('Expected eth_chainId.'),
  blockPeriodSeconds: z
    .number()
    .positive()
    .max(3600)
    .default(2)
    .describe('Configured QBFT block period (genesis blockperiodseconds).'),
  location: LabelName.default('default').describe(
    'Vantage point, added as a `location` label to every series.',
  ),
  listen: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, 'must be host:port')
    .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535')
    .default('0.0.0.0:9488')
    .describe('host:port of the HTTP server (metrics, health, status).'),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(64)
    .describe('Most probe runs in flight at once, across all probes.'),
  intervalMs: z
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(5000)
    .describe('Default interval between runs of each probe task.'),
  timeoutMs: z
    .number()
    .int()
    .min(10)
    .max(600_000)
    .default(3000)
    .describe('Default hard timeout of one run.'),
  jitter: z
    .number()
    .min(0)
    .max(0.5)
    .default(0.1)
    .describe(
      'Fraction of the interval over which first runs are spread at random (so /readyz ' +
        'turns ready quickly); later runs keep a random slot over the whole interval.',
    ),
  maxResponseBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(8 * 1024 * 1024)
    .describe('Largest JSON-RPC response body read, in bytes; larger ones fail as body_too_large.'),
  runbookUrl: z
    .string()
    .min(1)
    .default('/docs/runbook.md')
    .describe('Base URL of the runbook the status page links to.'),
  grafanaUrl: z
    .string()
    .optional()
    .describe('Base URL of Grafana for dashboard links on the status page (optional).'),
});

/** One DNS label: letters, digits and inner hyphens, at most 63 characters. */
const DNS_LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

/** TLS settings of an https endpoint (blackbox_exporter's tls_config ca_file, server_name). */
// Limitation: no client certificate (mutual TLS), and a CA file changed on disk takes effect at
// the next reload (SIGHUP or /-/reload), not by itself. Relative caFile paths are resolved from
// the working directory, as the canary's keyFile is.
export const EndpointTlsSchema = z.strictObject({
  caFile: z.string().min(1).describe('PEM file of the CA certificates to trust.'),
  serverName: z
    .string()
    .regex(new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(\\.${DNS_LABEL})*$`), 'must be a DNS host name')
    // Node warns on an IP address as SNI (RFC 6066 forbids it); an IP URL is verified as is.
    .refine((s) => isIP(s) === 0, 'must be a DNS host name, not an IP address')
    .optional()
    .describe('Host name sent as SNI and verified in the certificate; default the URL host.'),
});

/** A JSON-RPC endpoint: a Besu node, an RPC node or a gateway in front of them. */
export const EndpointSchema = z.strictObject({
  name: LabelName.describe(
    'Label value identifying the endpoint; the URL itself never leaves the process.',
  ),
  url: Url.describe('JSON-RPC URL. Supports ${ENV} substitution for credentials.'),
  role: z
    .enum(['gateway', 'rpc', 'validator'])
    .default('rpc')
    .describe('What sits there: decides which probes apply by default.'),
  besu: z
    .boolean()
    .default(true)
    .describe("Besu's /liveness and /readiness are served on the same origin."),
  public: z
    .boolean()
    .default(false)
    .describe('Reachable from outside (used by the security probes).'),
  validatorAddress: Address.optional().describe(
    'The validator address whose node this is, to join chain and node metrics.',
  ),
  headers: z
    .record(z.string(), z.string())
    .optional()
    .describe('Extra request headers (e.g. Authorization). Values are treated as secrets.'),
  maxConnections: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(4)
    .describe('Keep-alive connections kept per endpoint.'),
  tls: EndpointTlsSchema.optional().describe(
    'https only: `caFile`, a PEM bundle of the CAs to trust instead of the system roots ' +
      '(read at start and on every reload), and `serverName`, the DNS name sent as SNI and ' +
      'verified in the certificate (default: the URL host). Applies to JSON-RPC, Besu health ' +
      "and the security probe's certificate check.",
  ),
});

/** Fields every probe has, whatever its kind. */
export const ProbeCommonSchema = z.strictObject({
  name: LabelName.describe('Probe name, the `probe` label of its series.'),
  kind: z.string().describe('Probe kind (see the kinds below).'),
  ...Timing,
  endpoints: z
    .array(LabelName)
    .optional()
    .describe('Endpoint names to probe; default: every endpoint the kind applies to.'),
  enabled: z.boolean().default(true).describe('Set false to keep a probe defined but idle.'),
});

export type GlobalConfig = z.output<typeof GlobalSchema>;
/** An endpoint as the schema outputs it, before its CA file is read. */
export type SchemaEndpoint = z.output<typeof EndpointSchema>;
/**
 * An endpoint's TLS settings: the schema's fields plus the CA bundle, which the loader always
 * sets (an endpoint built from the schema alone has none, and clientTlsOf refuses it).
 */
export type EndpointTls = z.output<typeof EndpointTlsSchema> & { ca?: CaBundle };
/** An endpoint after load; `tls.ca` holds the CA bundle read from `tls.caFile`. */
export type EndpointConfig = Omit<z.output<typeof EndpointSchema>, 'tls'> & { tls?: EndpointTls };
/** Common probe fields after defaults; interval and timeout resolved from `global`. */
export type ProbeCommon = Omit<z.output<typeof ProbeCommonSchema>, 'intervalMs' | 'timeoutMs'> & {
  intervalMs: number;
  timeoutMs: number;
};
