/**
 * CLIENT PAUSE / UNPAUSE (Redis's pauseClients). While a pause is active, a command it covers is
 * postponed: the parsed command is copied into `c.postponedArgv`, the client is flagged
 * CF_POSTPONED (so the server reads nothing more from it) and queued here. When the pause ends
 * (its deadline or CLIENT UNPAUSE) the clients are resumed in arrival order through
 * `server.processInput`, which runs the postponed command first. Nothing polls.
 *
 * A pause only ever gets stronger: WRITE can become ALL, the deadline can only move later.
 * WRITE pauses write and may-replicate commands (EVAL, PUBLISH, PFCOUNT...) and an EXEC whose
 * queue holds one; ALL pauses every command. The primary link and replicas are never paused.
 */
import { F_MAY_REPLICATE, F_WRITE, type CommandSpec } from "../commands/spec.ts";
import { CF_POSTPONED, CF_PRIMARY, CF_REPLICA, type Client } from "./client.ts";
import type { Server } from "./server.ts";

export { PAUSE_ALL, PAUSE_OFF, PAUSE_WRITE, type PauseType } from "../commands/client-flags.ts";
import { PAUSE_ALL, PAUSE_OFF, PAUSE_WRITE, type PauseType } from "../commands/client-flags.ts";

/** setTimeout's largest delay; longer pauses re-arm the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ClientPause {
  /** Current pause type; PAUSE_OFF on the hot path costs one comparison. */
  type: PauseType = PAUSE_OFF;
  /** Deadline on the server clock (ms). */
  end = 0;
  private postponed: Client[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly server: Server) {}

  /** Clients waiting for the pause to end. */
  get postponedCount(): number {
    return this.postponed.length;
  }

  /** True while writes are paused (expiry and eviction hold off then, as in Redis). */
  get writesPaused(): boolean {
    return this.type !== PAUSE_OFF && this.server.clock() < this.end;
  }

  /** Start or strengthen a pause until `end` (server clock, ms). */
  pause(end: number, type: PauseType): void {
    if (type > this.type) this.type = type;
    if (end > this.end) this.end = end;
    this.arm();
  }

  /** End the pause and resume every postponed client, in the order they arrived. */
  unpause(): void {
    this.type = PAUSE_OFF;
    this.end = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.postponed.length === 0) return;
    const list = this.postponed;
    this.postponed = [];
    for (const c of list) c.flags &= ~CF_POSTPONED;
    // Resume outside whatever command is running now (CLIENT UNPAUSE shares the reply writer).
    setImmediate(() => {
      for (const c of list) {
        if (c.socket !== null && !(c.flags & CF_POSTPONED) && this.server.clients.has(c.id)) this.server.processInput(c);
      }
    });
  }

  /** True when `spec` from `c` must wait for the pause to end. */
  blocks(c: Client, spec: CommandSpec): boolean {
    if (c.flags & (CF_PRIMARY | CF_REPLICA)) return false;
    if (this.server.clock() >= this.end) {
      this.unpause();
      return false;
    }
    if (this.type === PAUSE_ALL) return true;
    if (spec.flags & (F_WRITE | F_MAY_REPLICATE)) return true;
    return spec.name === "exec" && this.server.clientState.multiMayWrite(c);
  }

  /** Keep the command (copied: argv views die when the handler returns) until the pause ends. */
  postpone(c: Client): void {
    c.postponedArgv = c.argv.map((a) => a.slice());
    c.flags |= CF_POSTPONED;
    this.postponed.push(c);
  }

  /** Forget a client that disconnected while postponed. */
  remove(c: Client): void {
    const i = this.postponed.indexOf(c);
    if (i >= 0) this.postponed.splice(i, 1);
  }

  /** Cancel the timer (server shutdown). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.end - this.server.clock(), MAX_TIMER_MS));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.type === PAUSE_OFF) return;
      if (this.server.clock() >= this.end) this.unpause();
      else this.arm();
    }, wait);
  }
}
