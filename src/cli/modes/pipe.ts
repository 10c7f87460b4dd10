/**
 * --pipe: mass insertion. Stream stdin (raw RESP, or inline commands) to the server while
 * counting replies; at the end of input send an ECHO with a random marker and wait for it, so the
 * last reply is known to have arrived. Errors go to stderr; the summary is redis-cli's:
 *
 *   All data transferred. Waiting for the last reply...
 *   Last reply received from server.
 *   errors: N, replies: M
 */
import { randomBytes } from "node:crypto";
import { err, out } from "../io.ts";
import type { CliOptions } from "../options.ts";
import { Session } from "../session.ts";

/** Pause reading stdin while this much output waits for the socket. */
const HIGH_WATER = 4 << 20;

export async function pipeMode(o: CliOptions): Promise<number> {
  const s = new Session(o);
  if (!(await s.connect())) return 1;
  const conn = s.conn!;
  const marker = randomBytes(20).toString("hex");
  let errors = 0;
  let replies = 0;
  let sawMarker = false;
  let lastReplyAt = Date.now();
  const counting = (async () => {
    for (;;) {
      const r = await conn.readAny();
      lastReplyAt = Date.now();
      if (r.t === "bulk" && r.s === marker) {
        sawMarker = true;
        return;
      }
      if (r.t === "error") {
        errors++;
        err(`${r.s}\n`);
      }
      replies++;
    }
  })();
  counting.catch(() => {});

  for await (const chunk of Bun.stdin.stream()) {
    conn.write(chunk);
    if (conn.queuedBytes > HIGH_WATER) await conn.drained();
    if (conn.closed) break;
  }
  conn.send(["ECHO", marker]);
  await conn.drained();
  out("All data transferred. Waiting for the last reply...\n");

  const timeout = o.pipeTimeoutMs;
  lastReplyAt = Date.now();
  for (;;) {
    const done = await Promise.race([
      counting.then(
        () => true,
        () => false,
      ),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 100)),
    ]);
    if (done === true) break;
    if (done === false) {
      err("Error reading from the server: Server closed the connection\n");
      s.close();
      return 1;
    }
    if (timeout > 0 && Date.now() - lastReplyAt > timeout) {
      err(`No replies for ${Math.round(timeout / 1000)} seconds: exiting.\n`);
      s.close();
      return 1;
    }
  }
  if (sawMarker) out("Last reply received from server.\n");
  out(`errors: ${errors}, replies: ${replies}\n`);
  s.close();
  return errors > 0 ? 1 : 0;
}
