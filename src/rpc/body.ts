/** How a caller turns the two ways of reading a body wrong into its own domain's errors. */
export interface BodyErrors {
  tooLarge(maxBytes: number): Error;
  notUtf8(cause: unknown): Error;
}

/** The part of a Node.js readable body (undici's) that readCappedBody uses. */
export interface ReadableBody {
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  destroy(): void;
}

/**
 * Reads an HTTP body as UTF-8 text, at most `maxBytes`: a larger body is destroyed as soon as it
 * passes the cap (never buffered whole), invalid UTF-8 is rejected rather than replaced.
 * Stream events rather than async iteration: each iterator step costs promise turns that a
 * latency measurement would count (about 50 us a call on loopback, test/bench overhead).
 */
export function readCappedBody(
  body: ReadableBody,
  maxBytes: number,
  errors: BodyErrors,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      reject(err);
    };
    body.on('data', (chunk) => {
      if (done) return;
      size += chunk.byteLength;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      fail(errors.tooLarge(maxBytes));
      body.destroy();
    });
    body.on('error', fail);
    // Closed with neither end nor error (destroyed without a reason): never wait forever.
    body.on('close', () =>
      fail(Object.assign(new Error('body closed early'), { code: 'ECONNRESET' })),
    );
    body.on('end', () => {
      if (done) return;
      done = true;
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch (err) {
        reject(errors.notUtf8(err));
      }
    });
  });
}
