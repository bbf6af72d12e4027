import type { ProbeResult } from '../engine/probe-kind.js';
import { isErrorClass } from '../engine/error-class.js';

/** Turns a thrown error into a failed result: its `code` when it is a class, else internal. */
export function failure(err: unknown): ProbeResult {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = err instanceof Error ? err.message : 'unknown failure';
  if (typeof code === 'string' && isErrorClass(code))
    return { ok: false, errorClass: code, detail };
  return { ok: false, errorClass: 'internal', detail };
}
