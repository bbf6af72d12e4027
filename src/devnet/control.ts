import { z } from 'zod';
import type { ActiveFault, FaultDefinition, FaultRequest } from './faults.js';
import { FaultRequestError } from './faults.js';
import { readBody, sendJson, type RequestHandler } from './http-endpoint.js';
import type { Json } from './jsonrpc.js';

/** What the control API drives. */
export interface ControlTarget {
  setFault(name: string, request: FaultRequest): Promise<ActiveFault | undefined>;
  faults(): ActiveFault[];
  definitions(): readonly FaultDefinition[];
  state(): Json;
}

const FaultBody = z.looseObject({ on: z.boolean(), target: z.string().optional() });

/**
 * The control API: GET /faults (active and available), POST /faults/<name> with
 * {"on":true,"target":"validator-2",...params}, GET /state.
 */
export function createControlHandler(target: ControlTarget): RequestHandler {
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const body = await readBody(req);
    if (req.method === 'GET' && path === '/faults') {
      sendJson(res, 200, { active: target.faults(), available: describe(target.definitions()) });
      return;
    }
    if (req.method === 'GET' && path === '/state') {
      sendJson(res, 200, target.state());
      return;
    }
    const match = /^\/faults\/([a-z0-9-]+)$/.exec(path);
    if (req.method === 'POST' && match) {
      await switchFault(match[1] as string, body, target, res);
      return;
    }
    sendJson(res, 404, { error: `no route ${req.method} ${path}` });
  };
}

async function switchFault(
  name: string,
  text: string,
  target: ControlTarget,
  res: Parameters<RequestHandler>[1],
): Promise<void> {
  let parsed: z.infer<typeof FaultBody>;
  try {
    parsed = FaultBody.parse(JSON.parse(text || '{}'));
  } catch {
    sendJson(res, 400, {
      error: 'body must be JSON {"on": boolean, "target"?: string, ...params}',
    });
    return;
  }
  const { on, target: faultTarget, ...params } = parsed;
  try {
    const fault = await target.setFault(name, {
      on,
      params,
      ...(faultTarget === undefined ? {} : { target: faultTarget }),
    });
    sendJson(res, 200, { name, on, fault: fault ?? null });
  } catch (err) {
    const status = err instanceof FaultRequestError ? err.status : 500;
    sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
  }
}

function describe(definitions: readonly FaultDefinition[]): Json {
  return definitions.map((d) => ({
    name: d.name,
    description: d.description,
    target: d.target,
    defaultTarget: d.defaultTarget ?? null,
    params: z.toJSONSchema(d.params, { io: 'input', unrepresentable: 'any' }) as Json,
  }));
}
