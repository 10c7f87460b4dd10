/**
 * A kedis-cli session: the connection plus what redis-cli keeps about it (selected database,
 * MULTI state, protocol), the connect handshake (AUTH, SELECT, HELLO 3, the way redis-cli does
 * it after every connect) and the prompt that shows that state.
 */
import { ConnectError, Connection, targetName, type Target } from "./connection.ts";
import { formatReply } from "./format.ts";
import { err, out } from "./io.ts";
import type { CliOptions } from "./options.ts";
import type { Reply } from "./reply.ts";

export class Session {
  conn: Connection | null = null;
  /** The database the connection is on (follows SELECT, reapplied on reconnect). */
  db: number;
  inMulti = false;
  /** Push frames received outside streaming, printed before the next reply (as redis-cli does). */
  private pushes: Reply[] = [];
  resp: 2 | 3;
  target: Target;
  user: string | null;
  pass: string | null;

  constructor(readonly opts: CliOptions) {
    this.db = opts.db;
    this.resp = opts.resp;
    this.target = opts.socket !== null ? { path: opts.socket } : { host: opts.host, port: opts.port };
    this.user = opts.user;
    this.pass = opts.pass;
  }

  get connected(): boolean {
    return this.conn !== null && !this.conn.closed;
  }

  /**
   * Connect (again) unless connected. Prints redis-cli's messages to stderr and returns false
   * when the server cannot be reached.
   */
  async connect(force = false): Promise<boolean> {
    if (this.connected && !force) return true;
    this.conn?.close();
    this.conn = null;
    this.inMulti = false;
    let c: Connection;
    try {
      c = await Connection.open(this.target);
    } catch (e) {
      if (e instanceof ConnectError) {
        err(`${e.message}\n`);
        return false;
      }
      throw e;
    }
    this.conn = c;
    c.onPush = (r) => {
      if (this.opts.showPushes) this.pushes.push(r);
    };
    try {
      if (this.pass !== null) {
        const r = await c.call(this.user !== null ? ["AUTH", this.user, this.pass] : ["AUTH", this.pass]);
        if (r.t === "error") err(`AUTH failed: ${r.s}\n`);
      }
      if (this.db !== 0) {
        const r = await c.call(["SELECT", String(this.db)]);
        if (r.t === "error") {
          err(`SELECT ${this.db} failed: ${r.s}\n`);
          this.db = 0;
        }
      }
      if (this.resp === 3) {
        const r = await c.call(["HELLO", "3"]);
        if (r.t === "error") err(`HELLO 3 failed: ${r.s}\n`);
      }
    } catch {
      // The server closed during the handshake: report it like any connect failure.
      err("Error: Server closed the connection\n");
      this.conn = null;
      return false;
    }
    return true;
  }

  /** Print the push frames received so far: invalidations as `-> invalidate: 'k1', 'k2'`. */
  flushPushes(): void {
    const ps = this.pushes;
    this.pushes = [];
    for (const r of ps) {
      const items = "items" in r ? r.items : [];
      const kind = items[0];
      const keys = items[1];
      if (items.length === 2 && kind !== undefined && "s" in kind && kind.s === "invalidate" && keys !== undefined && keys.t === "array") {
        out(`-> invalidate: ${keys.items.map((k) => `'${"s" in k ? k.s : ""}'`).join(", ")}\n`);
      } else {
        out(formatReply(r, this.opts.output, { element: this.opts.elementDelim, reply: this.opts.replyDelim }));
      }
    }
  }

  /** The prompt: `127.0.0.1:6379[2](TX)> `, or `not connected> `. */
  prompt(): string {
    if (!this.connected) return "not connected> ";
    let p = "path" in this.target ? `redis ${this.target.path}` : targetName(this.target);
    if (this.db !== 0) p += `[${this.db}]`;
    if (this.inMulti) p += "(TX)";
    return `${p}> `;
  }

  /**
   * Follow the state a command changed, as redis-cli does from the reply: SELECT moves the
   * database, MULTI/EXEC/DISCARD the transaction, HELLO the protocol, AUTH the credentials
   * reused on reconnect, RESET all of them.
   */
  track(args: readonly string[], r: Reply): void {
    const name = (args[0] ?? "").toLowerCase();
    const ok = r.t !== "error";
    if (name === "select" && args.length === 2 && ok) {
      this.db = Number(args[1]);
    } else if (name === "multi" && ok) {
      this.inMulti = true;
    } else if (name === "exec" || name === "discard") {
      this.inMulti = false;
    } else if (name === "reset" && ok) {
      this.db = 0;
      this.inMulti = false;
      this.resp = 2;
    } else if (name === "hello" && ok && args.length >= 2) {
      if (args[1] === "2" || args[1] === "3") this.resp = Number(args[1]) as 2 | 3;
    } else if (name === "auth" && ok) {
      if (args.length === 2) {
        this.user = null;
        this.pass = args[1]!;
      } else if (args.length === 3) {
        this.user = args[1]!;
        this.pass = args[2]!;
      }
    } else if (this.inMulti && r.t === "error" && /^EXECABORT/.test(r.s)) {
      this.inMulti = false;
    }
  }

  /** Point the session at another server (the REPL's `connect host port`), database 0. */
  retarget(t: Target): void {
    this.close();
    this.target = t;
    this.db = 0;
  }

  close(): void {
    this.conn?.close();
    this.conn = null;
  }
}
