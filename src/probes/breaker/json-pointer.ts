/** What a JSON pointer found: the value, or nothing at that path. */
export type PointerResult = { found: true; value: unknown } | { found: false };

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/** True for an RFC 6901 pointer in its string form: empty, or "/"-separated reference tokens. */
export function isJsonPointer(pointer: string): boolean {
  return pointer === '' || (pointer.startsWith('/') && !/~[^01]|~$/.test(pointer));
}

/**
 * Resolves an RFC 6901 JSON pointer against a parsed document. "~1" stands for "/" and "~0" for
 * "~"; array steps must be canonical indexes ("-", the one-past-the-end index, finds nothing).
 */
export function resolvePointer(doc: unknown, pointer: string): PointerResult {
  if (!isJsonPointer(pointer)) return { found: false };
  if (pointer === '') return { found: true, value: doc };
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    // Order matters: "~01" is "~1" literally, so ~1 is replaced before ~0.
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!ARRAY_INDEX.test(token) || Number(token) >= cur.length) return { found: false };
      cur = cur[Number(token)];
    } else if (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, token)) {
      cur = (cur as Record<string, unknown>)[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}
