import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A request handler for an HttpEndpoint. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * An HTTP server on a fixed 127.0.0.1 port that can go down (connection refused, open
 * connections dropped) and come back on the same port at run time.
 */
export class HttpEndpoint {
  private server: Server | undefined;
  private transition: Promise<void> = Promise.resolve();

  constructor(
    readonly port: number,
    private readonly handler: RequestHandler,
  ) {}

  /** http://127.0.0.1:<port> */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Tells whether the endpoint is listening. */
  get isUp(): boolean {
    return this.server !== undefined;
  }

  /** Starts (true) or stops (false) listening; serialised, idempotent. */
  setUp(up: boolean): Promise<void> {
    this.transition = this.transition.then(() => (up ? this.open() : this.close()));
    return this.transition;
  }

  private async open(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      Promise.resolve(this.handler(req, res)).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  private async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/** Reads a request body as text (limit 16 MiB). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > 16 * 1024 * 1024) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends `body` as pretty-printed JSON (Vert.x encodePrettily style) with `status`. */
export function sendPrettyJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body, null, 2));
}

/** Sends `body` as compact JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
