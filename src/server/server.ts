/**
 * The server: listeners (Bun.listen on TCP and Unix sockets), per-connection input processing,
 * dispatch (`processCommand`, enforcing generic policy from spec flags once, like Redis's
 * processCommand) and `call` (run, time, count, propagate), and the cron (active expiry,
 * rehashing, client timeouts).
 */
import type { Socket, TCPSocketListener, UnixSocketListener } from "bun";
import { chmodSync } from "node:fs";
import { FAMILIES } from "../commands/index.ts";
import { Registry, lowerName } from "../commands/registry.ts";
import {
  F_ADMIN,
  F_NO_AUTH,
  F_NO_MULTI,
  F_SKIP_MONITOR,
  F_WRITE,
  type CommandSpec,
} from "../commands/spec.ts";
import { Config } from "../config/table.ts";
import { E, ReplyError, errorCode } from "../protocol/errors.ts";
import { READ_COMMAND, READ_NEED_MORE, type ReaderLimits } from "../protocol/resp/reader.ts";
import { ReplyWriter } from "../protocol/resp/writer.ts";
import { Keyspace, type Database } from "../store/database.ts";
import { Logger } from "../util/log.ts";
import { CF_BLOCKED, CF_CLOSE_AFTER_REPLY, CF_CLOSE_ASAP, CF_MULTI, CF_UNIX, Client } from "./client.ts";

export interface ServerOptions {
  /** Config parameters (canonical names), applied over the defaults. */
  config?: Record<string, string>;
  /** Listen on a free loopback port chosen by the OS (tests). */
  ephemeralPort?: boolean;
  /** Clock in ms (tests inject a fake one). */
  clock?: () => number;
  /** Start the cron timer (tests with a fake clock drive `cron()` themselves). */
  cron?: boolean;
  logger?: Logger;
}

/** Per-command statistics, indexed by spec id. */
export interface CommandStats {
  calls: Float64Array;
  usec: Float64Array;
  rejected: Float64Array;
  failed: Float64Array;
}

export type Propagator = (dbid: number, argv: Uint8Array[]) => void;
export type ClientHook = (c: Client) => void;
export type KeyHook = (db: Database, key: Uint8Array) => void;

export class Server {
  readonly config = new Config();
  readonly log: Logger;
  ks: Keyspace;
  readonly registry = new Registry(FAMILIES);
  /** Shared reply writer for the client being served. */
  readonly out = new ReplyWriter();
  readonly clients = new Map<number, Client>();
  /** The client whose input is being processed, if any. */
  current: Client | null = null;
  nextClientId = 1;
  readonly readerLimits: ReaderLimits = { maxBulkLen: 512 * 1024 * 1024, queryBufferLimit: 1024 * 1024 * 1024 };
  /** Changes since the last save (Redis's server.dirty). */
  dirty = 0;
  readonly clock: () => number;
  readonly startTime: number;
  readonly runId: string;
  port = 0;
  readonly stats = {
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    errorReplies: 0,
    errorCodes: new Map<string, number>(),
  };
  cmdStats: CommandStats;
  /** Subscribers to the write stream (AOF, replicas). */
  readonly propagators: Propagator[] = [];
  /** Called when a client disconnects (pub/sub, blocking, WATCH clean-up). */
  readonly onClientClose: ClientHook[] = [];
  /** Keyspace change listeners (WATCH, client tracking): Redis's signalModifiedKey. */
  readonly onKeyModified: KeyHook[] = [];
  /** Key creation listeners (blocked clients: Redis's signalKeyAsReady from dbAdd). */
  readonly onKeyCreated: KeyHook[] = [];
  /** Called after every top-level command (blocked-client wake-ups and the like). */
  readonly afterCommand: ClientHook[] = [];
  private listeners: (TCPSocketListener<Client> | UnixSocketListener<Client>)[] = [];
  private cronTimer: ReturnType<typeof setInterval> | null = null;
  private expireDb = 0;
  private expireWorkUntil = 0;
  private stopped = false;

  constructor(opts: ServerOptions = {}) {
    this.log = opts.logger ?? new Logger();
    for (const [k, v] of Object.entries(opts.config ?? {})) {
      const err = this.config.set(k, v);
      if (err !== null) throw new Error(`config '${k}': ${err}`);
    }
    this.clock = opts.clock ?? Date.now;
    this.startTime = this.clock();
    this.runId = randomHex(40);
    this.ks = new Keyspace(this.config.getInt("databases"));
    this.ks.now = this.startTime;
    this.ks.hooks = {
      keyExpired: (db, key) => this.keyExpired(db, key),
      keyModified: (db, key) => {
        const hs = this.onKeyModified;
        for (let i = 0; i < hs.length; i++) hs[i]!(db, key);
      },
      keyCreated: (db, key) => {
        const hs = this.onKeyCreated;
        for (let i = 0; i < hs.length; i++) hs[i]!(db, key);
      },
    };
    const n = this.registry.specs.length;
    this.cmdStats = { calls: new Float64Array(n), usec: new Float64Array(n), rejected: new Float64Array(n), failed: new Float64Array(n) };
    this.out.onError = (text) => this.countError(text);
    this.applyConfig();
    this.ephemeral = opts.ephemeralPort === true;
    this.cronEnabled = opts.cron !== false;
  }

  private readonly ephemeral: boolean;
  private readonly cronEnabled: boolean;

  /** Mirror config values read on hot paths into fields. Called after every CONFIG SET. */
  applyConfig(): void {
    this.readerLimits.maxBulkLen = this.config.getInt("proto-max-bulk-len");
    this.readerLimits.queryBufferLimit = this.config.getInt("client-query-buffer-limit");
    this.log.setLevel(this.config.get("loglevel"));
  }

  requiresAuth(): boolean {
    return this.config.get("requirepass") !== "";
  }

  // ---------------------------------------------------------------------------------------------
  // Listening

  async start(): Promise<void> {
    const handlers = {
      open: (sock: Socket<Client>) => this.onOpen(sock),
      data: (sock: Socket<Client>, chunk: Uint8Array) => this.onData(sock.data, chunk),
      drain: (sock: Socket<Client>) => sock.data?.drain(),
      close: (sock: Socket<Client>) => this.onClose(sock.data),
      error: (sock: Socket<Client>, err: Error) => this.log.verbose(`client error: ${err.message}`),
    };
    const port = this.ephemeral ? 0 : this.config.getInt("port");
    if (this.ephemeral || port !== 0) {
      const binds = this.config.get("bind").split(/\s+/).filter((s) => s !== "");
      for (const raw of binds.length > 0 ? binds : ["127.0.0.1"]) {
        const hostname = raw.startsWith("-") ? raw.slice(1) : raw;
        const l = Bun.listen<Client>({ hostname, port: this.port || port, socket: handlers });
        this.port = l.port;
        this.listeners.push(l);
      }
    }
    const unix = this.config.get("unixsocket");
    if (unix !== "") {
      this.listeners.push(Bun.listen<Client>({ unix, socket: handlers }));
      const perm = this.config.getInt("unixsocketperm");
      if (perm !== 0) chmodSync(unix, perm);
    }
    if (this.cronEnabled) {
      const hz = Math.max(1, Math.min(500, this.config.getInt("hz")));
      this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    }
    this.log.notice(`Server initialized`);
    this.log.notice(`Ready to accept connections tcp on port ${this.port}`);
  }

  /** Stop listening and close every client. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    for (const l of this.listeners) l.stop(true);
    for (const c of this.clients.values()) c.socket?.terminate();
    this.clients.clear();
  }

  private onOpen(sock: Socket<Client>): void {
    const maxclients = this.config.getInt("maxclients");
    const c = new Client(this, sock, this.out);
    sock.data = c;
    this.stats.connectionsReceived++;
    if (this.clients.size >= maxclients) {
      this.stats.rejectedConnections++;
      sock.write("-ERR max number of clients reached\r\n");
      sock.end();
      return;
    }
    c.addr = sock.remoteAddress ? `${sock.remoteAddress}:${sock.remotePort ?? 0}` : "/unix";
    if (c.addr === "/unix") c.flags |= CF_UNIX;
    c.laddr = this.port !== 0 && !(c.flags & CF_UNIX) ? `${sock.localAddress ?? "127.0.0.1"}:${this.port}` : this.config.get("unixsocket");
    this.clients.set(c.id, c);
  }

  private onClose(c: Client | undefined): void {
    if (c === undefined || !this.clients.has(c.id)) return;
    this.clients.delete(c.id);
    c.flags |= CF_CLOSE_ASAP;
    for (const h of this.onClientClose) h(c);
    c.socket = null;
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  /** Parse and run every complete command in the input, then write the replies once. */
  onData(c: Client, chunk: Uint8Array): void {
    this.stats.netInputBytes += chunk.length;
    c.reader.feed(chunk);
    this.processInput(c);
  }

  /** Run the commands buffered for `c` (also used to resume a client after it unblocks). */
  processInput(c: Client): void {
    const out = c.out;
    this.current = c;
    out.resp = c.resp;
    const reader = c.reader;
    c.lastInteraction = this.clock();
    while ((c.flags & (CF_CLOSE_AFTER_REPLY | CF_CLOSE_ASAP | CF_BLOCKED)) === 0) {
      const st = reader.next();
      if (st === READ_COMMAND) {
        c.argv = reader.argv;
        this.processCommand(c);
      } else if (st === READ_NEED_MORE) {
        break;
      } else {
        if (reader.error === "") {
          // Past client-query-buffer-limit: Redis closes without a reply and logs a warning.
          this.log.warning(`Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`);
        } else {
          out.error(reader.error);
          this.log.verbose(`Protocol error (${reader.error}) from client: id=${c.id} addr=${c.addr}`);
        }
        c.closeAfterReply();
        break;
      }
    }
    reader.release();
    this.current = null;
    const bytes = out.take();
    if (bytes.length > 0) {
      this.stats.netOutputBytes += bytes.length;
      c.write(bytes);
    }
    if (c.flags & CF_CLOSE_AFTER_REPLY && c.queuedBytes === 0) c.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Dispatch

  /** Redis's processCommand: resolve, check generic policy once, then call or queue. */
  processCommand(c: Client): void {
    const argv = c.argv;
    let spec = this.registry.lookup(argv[0]!);
    if (spec === null) {
      c.cmd = null;
      return this.reject(c, null, E.unknownCommand(printable(argv[0]!, 128), argsPreview(argv)));
    }
    if (spec.subcommands !== null && argv.length >= 2) {
      const sub = spec.subcommands.get(lowerName(argv[1]!));
      if (sub === undefined) {
        c.cmd = null;
        return this.reject(c, null, E.unknownSubcommand(printable(argv[1]!, 128), spec.name.toUpperCase()));
      }
      spec = sub;
    }
    c.cmd = spec;
    const argc = argv.length;
    if ((spec.arity > 0 && spec.arity !== argc) || argc < -spec.arity) {
      return this.reject(c, spec, E.wrongArgs(spec.name));
    }
    const flags = spec.flags;
    if (!c.authenticated && !(flags & F_NO_AUTH)) return this.reject(c, spec, E.NOAUTH);
    if (c.flags & CF_MULTI && flags & F_NO_MULTI) return this.reject(c, spec, E.NOT_IN_MULTI);
    if (this.policy !== null) {
      const err = this.policy(c, spec);
      if (err !== null) return this.reject(c, spec, err);
    }
    if (c.flags & CF_MULTI && this.queueCommand !== null && this.queueCommand(c, spec)) return;
    this.call(c, spec);
    for (let i = 0; i < this.afterCommand.length; i++) this.afterCommand[i]!(c);
  }

  /**
   * Extra generic checks installed by later layers (OOM, read-only replica, pub/sub context,
   * loading, busy script): return an error text to reject. Kept as one hook so the hot path
   * pays one null check when none apply.
   */
  policy: ((c: Client, spec: CommandSpec) => string | null) | null = null;
  /** MULTI queueing, installed by the transactions family: returns true when queued. */
  queueCommand: ((c: Client, spec: CommandSpec) => boolean) | null = null;
  /** Called with the argv of each executed command when MONITOR clients exist. */
  monitorFeed: ((c: Client, spec: CommandSpec) => void) | null = null;
  /** Called when a command's runtime passes slowlog/latency thresholds. */
  slowCommand: ((c: Client, spec: CommandSpec, usec: number) => void) | null = null;

  private reject(c: Client, spec: CommandSpec | null, text: string): void {
    if (spec !== null) this.cmdStats.rejected[spec.id]!++;
    if (c.flags & CF_MULTI && this.flagTransaction !== null) this.flagTransaction(c);
    c.out.error(text);
  }

  /** Marks a MULTI as failed (EXECABORT), installed by the transactions family. */
  flagTransaction: ((c: Client) => void) | null = null;

  /** Redis's call(): run the handler, time it, count it, propagate its effects. */
  call(c: Client, spec: CommandSpec): void {
    const ks = this.ks;
    ks.now = this.clock();
    const dirtyBefore = this.dirty;
    const errorsBefore = this.stats.errorReplies;
    c.propArgv = null;
    if (this.monitorFeed !== null && !(spec.flags & (F_SKIP_MONITOR | F_ADMIN))) this.monitorFeed(c, spec);
    const t0 = performance.now();
    try {
      spec.handler(c);
    } catch (err) {
      if (err instanceof ReplyError) c.out.error(err.text);
      else {
        const msg = err instanceof Error ? err.message : String(err);
        this.log.warning(`Unexpected error in '${spec.name}': ${err instanceof Error ? err.stack : msg}`);
        c.out.error(`ERR internal error in '${spec.name}': ${msg}`);
      }
    }
    const usec = (performance.now() - t0) * 1000;
    const id = spec.id;
    this.cmdStats.calls[id]!++;
    this.cmdStats.usec[id]! += usec;
    if (this.stats.errorReplies !== errorsBefore) this.cmdStats.failed[id]!++;
    this.stats.commandsProcessed++;
    c.lastCmd = spec;
    if (this.slowCommand !== null) this.slowCommand(c, spec, usec);
    if (this.dirty !== dirtyBefore && this.propagators.length > 0 && spec.flags & F_WRITE) {
      this.propagate(c.db.id, c.propArgv ?? c.argv);
    }
  }

  /** Send a write to every subscriber of the write stream. Copies argv (views die after return). */
  propagate(dbid: number, argv: Uint8Array[]): void {
    if (this.propagators.length === 0) return;
    const copy = argv.map((a) => a.slice());
    for (const p of this.propagators) p(dbid, copy);
  }

  private countError(text: string): void {
    this.stats.errorReplies++;
    const code = errorCode(text);
    const m = this.stats.errorCodes;
    // Redis caps the number of distinct error codes tracked at 128.
    const prev = m.get(code);
    if (prev !== undefined) m.set(code, prev + 1);
    else if (m.size < 128) m.set(code, 1);
  }

  private keyExpired(db: Database, key: Uint8Array): void {
    this.dirty++;
    this.propagate(db.id, [DEL, key]);
    this.notifyKeyspaceEvent(NOTIFY_EXPIRED, "expired", key, db.id);
  }

  /**
   * Keyspace notification (Redis's notifyKeyspaceEvent). The pub/sub layer installs the
   * publisher; `notifyFlags` mirrors notify-keyspace-events so the common case costs a test.
   */
  notifyFlags = 0;
  notifier: ((type: number, event: string, key: Uint8Array, dbid: number) => void) | null = null;
  notifyKeyspaceEvent(type: number, event: string, key: Uint8Array, dbid: number): void {
    if ((this.notifyFlags & type) === 0 || this.notifier === null) return;
    this.notifier(type, event, key, dbid);
  }

  // ---------------------------------------------------------------------------------------------
  // Output limits

  /** Disconnect a client whose queued output passed its class limit. */
  checkOutputLimit(c: Client): void {
    if (this.outputLimit !== null && this.outputLimit(c)) {
      this.log.warning(`Client id=${c.id} addr=${c.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      c.close();
    }
  }

  /** Installed by the output-limit logic: true when `c` must be closed. */
  outputLimit: ((c: Client) => boolean) | null = null;

  // ---------------------------------------------------------------------------------------------
  // Cron

  /** Periodic work, `hz` times a second. Tests with a fake clock call it directly. */
  cron(): void {
    this.ks.now = this.clock();
    this.activeExpireCycle();
    for (const db of this.ks.dbs) {
      if (db.dict.isRehashing) db.dict.rehashFor(1);
      else db.dict.maybeShrink();
    }
    for (const h of this.cronHooks) h();
  }

  readonly cronHooks: (() => void)[] = [];

  /**
   * Active expiry in the spirit of Redis's activeExpireCycle: walk expiring keys in slices of at
   * most ~1 ms, keep going (yielding to I/O between slices) while slices keep finding more than
   * 10% expired keys, and cap the work at 25% of the time between cron runs.
   */
  activeExpireCycle(): void {
    const period = 1000 / Math.max(1, this.config.getInt("hz"));
    const effort = this.config.getInt("active-expire-effort");
    this.expireWorkUntil = performance.now() + (period * (25 + 2 * (effort - 1))) / 100;
    this.expireSlice();
  }

  private expireSlice(): void {
    if (this.stopped) return;
    const sliceEnd = performance.now() + 1;
    this.ks.now = this.clock();
    const dbs = this.ks.dbs;
    let checked = 0;
    let expired = 0;
    let more = false;
    for (let visited = 0; visited < dbs.length; visited++) {
      const db = dbs[this.expireDb]!;
      if (db.expires > 0) {
        for (;;) {
          const [ch, ex] = db.activeExpireSlice(64);
          checked += ch;
          expired += ex;
          if (ch === 0 || ex * 10 < ch) break; // few expired here: move on
          if (performance.now() > sliceEnd) {
            more = true;
            break;
          }
        }
      }
      if (more) break;
      this.expireDb = (this.expireDb + 1) % dbs.length;
    }
    if (more && performance.now() < this.expireWorkUntil) setImmediate(() => this.expireSlice());
    else if (more) this.expireWorkUntil = 0;
    void checked;
  }
}

export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m
export const NOTIFY_LOADED = 1 << 12; // module only
export const NOTIFY_MODULE = 1 << 13; // d
export const NOTIFY_NEW = 1 << 14; // n

const DEL = new TextEncoder().encode("DEL");

function randomHex(n: number): string {
  const b = new Uint8Array(n / 2);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Latin1 text of at most `max` bytes, with CR/LF made spaces (Redis sanitizes error args). */
export function printable(b: Uint8Array, max: number): string {
  let s = "";
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) {
    const ch = b[i]!;
    s += ch === 13 || ch === 10 ? " " : String.fromCharCode(ch);
  }
  return s;
}

/** Redis's "with args beginning with:" list: `'a' 'b' ` until 128 characters. */
function argsPreview(argv: Uint8Array[]): string {
  let s = "";
  for (let i = 1; i < argv.length && s.length < 128; i++) s += `'${printable(argv[i]!, 128 - s.length)}' `;
  return s;
}

