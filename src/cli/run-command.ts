/**
 * Run one command the way redis-cli does: send it, print the reply in the chosen format, follow
 * the session state, and stream SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE / MONITOR output until the
 * connection ends or the user interrupts.
 */
import { ConnectionClosed } from "./connection.ts";
import { formatReply, type OutputMode, type RawDelimiters } from "./format.ts";
import { err, out } from "./io.ts";
import type { Reply } from "./reply.ts";
import type { Session } from "./session.ts";

/** How replies are printed. */
export interface PrintOptions {
  readonly output: OutputMode;
  readonly delims: RawDelimiters;
  /** -e: errors go to stderr (and the caller exits non-zero). */
  readonly errorsToStderr: boolean;
}

/** What happened to a command. */
export type RunResult =
  | "ok"
  | "error-reply"
  /** The connection broke (already reported). */
  | "disconnected"
  /** A streaming command was interrupted by the user. */
  | "interrupted";

const STREAMING = new Set(["subscribe", "psubscribe", "ssubscribe", "monitor"]);

/** Print one reply. */
export function printReply(r: Reply, p: PrintOptions): void {
  if (r.t === "error" && p.errorsToStderr) {
    err(`${r.s}\n`);
    return;
  }
  out(formatReply(r, p.output, p.delims));
}

/**
 * Send `args` on the session's connection and print the reply. `interrupt` resolves when the user
 * asks to stop a streaming command (Ctrl-C in the REPL); without it streaming lasts until the
 * connection closes.
 */
export async function runCommand(s: Session, args: readonly string[], p: PrintOptions, interrupt?: Promise<void>): Promise<RunResult> {
  const conn = s.conn;
  if (conn === null) return "disconnected";
  const name = (args[0] ?? "").toLowerCase();
  let r: Reply;
  try {
    const reply = conn.call(args);
    // Ctrl-C while waiting (BLPOP 0, a slow script): give up on this connection.
    const got = interrupt !== undefined ? await Promise.race([reply, interrupt.then(() => null)]) : await reply;
    if (got === null) {
      reply.catch(() => {});
      s.close();
      return "interrupted";
    }
    r = got;
  } catch (e) {
    if (e instanceof ConnectionClosed) {
      // SHUTDOWN and QUIT end the connection on purpose: nothing to report.
      if (name !== "shutdown" && name !== "quit") err("Error: Server closed the connection\n");
      s.close();
      return "disconnected";
    }
    err(`Error: ${(e as Error).message}\n`);
    s.close();
    return "disconnected";
  }
  s.flushPushes();
  s.track(args, r);
  if (STREAMING.has(name) && r.t !== "error" && !s.inMulti) return stream(s, r, p, interrupt);
  printReply(r, p);
  return r.t === "error" ? "error-reply" : "ok";
}

/** Print every frame the server sends until the connection closes or `interrupt` resolves. */
async function stream(s: Session, first: Reply, p: PrintOptions, interrupt?: Promise<void>): Promise<RunResult> {
  const conn = s.conn!;
  if (p.output === "tty") out("Reading messages... (press Ctrl-C to quit)\n");
  printReply(first, p);
  const stop = interrupt?.then(() => null);
  for (;;) {
    let r: Reply | null;
    try {
      r = stop !== undefined ? await Promise.race([conn.readAny(), stop]) : await conn.readAny();
    } catch {
      err("Error: Server closed the connection\n");
      s.close();
      return "disconnected";
    }
    if (r === null) {
      // The connection is in subscribe/monitor state: leave it and let the next command reconnect.
      s.close();
      return "interrupted";
    }
    printReply(r, p);
  }
}
