/** How a caller turns the two ways of reading a body wrong into its own domain's errors. */
export interface BodyErrors {
  tooLarge(maxBytes: number): Error;
  notUtf8(cause: unknown): Error;
}

/**
 * Reads an HTTP body as UTF-8 text, at most `maxBytes`: a larger body is destroyed as soon as it
 * passes the cap (never buffered whole), invalid UTF-8 is rejected rather than replaced.
 */
export async function readCappedBody(
  body: AsyncIterable<Uint8Array> & { destroy(): void },
  maxBytes: number,
  errors: BodyErrors,
): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      body.destroy();
      throw errors.tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch (err) {
    throw errors.notUtf8(err);
  }
}
