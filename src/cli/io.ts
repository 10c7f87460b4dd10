/**
 * Terminal output for kedis-cli. Text is binary strings (one char per byte), so reply bytes reach
 * stdout exactly as the server sent them. Writes are tracked so that the process exits only after
 * everything reached the pipe (a plain process.exit() could cut a large reply short).
 */

let pending: Promise<void> = Promise.resolve();

function writeTo(stream: NodeJS.WriteStream, s: string): void {
  if (s.length === 0) return;
  const b = Buffer.from(s, "latin1");
  const p = new Promise<void>((resolve) => {
    stream.write(b, () => resolve());
  });
  pending = pending.then(() => p);
}

/** Write a binary string to stdout. */
export function out(s: string): void {
  writeTo(process.stdout, s);
}

/** Write a binary string to stderr. */
export function err(s: string): void {
  writeTo(process.stderr, s);
}

/** UTF-8 text (our own messages, which may hold non-Latin-1 characters) to stdout. */
export function outText(s: string): void {
  out(Buffer.from(s, "utf8").toString("latin1"));
}

/** Resolves once every write so far has been handed to the operating system. */
export function flushed(): Promise<void> {
  return pending;
}

/** Flush, then exit with `code`. */
export async function exit(code: number): Promise<never> {
  await flushed();
  process.exit(code);
}

/** Sleep for `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
