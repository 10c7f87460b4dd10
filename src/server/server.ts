/**
 * The server: listeners (Bun.listen on TCP and Unix sockets), per-connection input processing,
 * dispatch (`processCommand`, enforcing generic policy from spec flags once, like Redis's
 * processCommand) and `call` (run, time, count, propagate), and the cron (active expiry,
 * rehashing, client timeouts).
 */
import type { Socket, TCPSocketListenOptions, TCPSocketListener, UnixSocketListener } from "bun";
import { chmodSync, unlinkSync, writeFileSync } from "node:fs";
import { FAMILIES } from "../commands/index.ts";
import { Registry, lowerName } from "../commands/registry.ts";
import {
  F_ADMIN,
  F_NO_AUTH,
  F_NO_MULTI,
  F_SKIP_MONITOR,
  F_STALE,
  F_WRITE,
  type CommandSpec,
  type Handler,
} from "../commands/spec.ts";
import { Config } from "../config/config.ts";
import type { ConfigExtras } from "../config/parse.ts";
import { E, ReplyError, errorCode } from "../protocol/errors.ts";
import { READ_COMMAND, READ_NEED_MORE, type ReaderLimits } from "../protocol/resp/reader.ts";
import { ReplyWriter } from "../protocol/resp/writer.ts";
import { Keyspace, type Database } from "../store/database.ts";
import { NOTIFY_EXPIRED, keyspaceEventFlags } from "../store/notify.ts";
import { REDIS_VERSION } from "../util/version.ts";
import { Logger } from "../util/log.ts";
import { RdbManager } from "../persistence/rdb-manager.ts";
import { Aof } from "../persistence/aof.ts";
import { loadAof } from "../persistence/aof-load.ts";
import { ReplicationPrimary } from "../replication/primary.ts";
import { ReplicaLink } from "../replication/replica.ts";
import { integerReply } from "../commands/replication.ts";
import type { AuxInfo } from "../persistence/rdb/save.ts";
import "../persistence/rdb/codecs.ts";
import { Admin, type ShutdownHook, type ShutdownOptions } from "./admin.ts";
import { InstantMetrics, defaultGauges, defaultInfoSections, usedMemory, type InfoFields, type InfoProvider } from "./info.ts";
import { CommandHistograms, LatencyMonitor } from "./latency.ts";
import { SlowLog } from "./slowlog.ts";
import { persistenceInfoLines } from "../persistence/info.ts";
import { replicationInfoLines } from "../replication/info.ts";
import { Blocking } from "./blocking.ts";
import { PubSub } from "../pubsub/pubsub.ts";
import { Tracking } from "./tracking.ts";
import { WatchTable } from "./watch.ts";
import {
  CF_BLOCKED,
  CF_CLOSE_AFTER_REPLY,
  CF_CLOSE_ASAP,
  CF_FAKE,
  CF_MULTI,
  CF_PRIMARY,
  CF_POSTPONED,
  CF_REPLY_OFF,
  CF_REPLY_SKIP,
  CF_REPLY_SKIP_NEXT,
  CF_SCRIPT,
  CF_UNIX,
  Client,
} from "./client.ts";
import { ClientPause, PAUSE_OFF } from "./pause.ts";
import { unblockClient } from "./blocking.ts";
import { ScriptRunner, type CapturedWrite } from "./script-runner.ts";

export interface ServerOptions {
  /** Config parameters (canonical names), applied over the defaults. */
  config?: Record<string, string>;
  /** Pre-loaded configuration (main.ts parses the file and arguments into it). */
  loadedConfig?: Config;
  /** The configuration file the server was started with (for CONFIG REWRITE and INFO). */
  configFile?: string | null;
  /** Exit the process after SHUTDOWN (the main program); in-process servers only stop. */
  exitOnShutdown?: boolean;
  /** Path reported as INFO `executable`. */
  executable?: string;
  /** Non-parameter directives from the config file (ACL `user` lines, renames). */
  configExtras?: ConfigExtras;
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

/** A write-stream subscriber. `argv` may be views into a request: encode or copy, never keep. */
export type Propagator = (dbid: number, argv: Uint8Array[]) => void;
export type ClientHook = (c: Client) => void;
export type KeyHook = (db: Database, key: Uint8Array) => void;
/** Generic policy check: an error text rejects the command. */
export type PolicyHook = (c: Client, spec: CommandSpec) => string | null;
/**
 * Database-level change, called BEFORE it happens: `dbid` emptied (FLUSHDB; -1 = every
 * database, FLUSHALL) or, with `other` >= 0, swapped with `other` (SWAPDB).
 */
export type DbChangedHook = (dbid: number, other: number) => void;

/**
 * Per-client state owned by other layers, read by CLIENT LIST/INFO and CLIENT PAUSE. Each layer
 * replaces the readers it owns (`server.clientState.sub = (c) => ...`); the defaults describe a
 * client that uses none of those features.
 */
export interface ClientStateReaders {
  /** Channel subscriptions (pub/sub layer). */
  sub(c: Client): number;
  /** Pattern subscriptions. */
  psub(c: Client): number;
  /** Shard-channel subscriptions. */
  ssub(c: Client): number;
  /** Commands queued in MULTI, -1 outside MULTI (transactions layer). */
  multi(c: Client): number;
  /** Bytes held by the commands queued in MULTI. */
  multiMem(c: Client): number;
  /** True when EXEC would run a write or may-replicate command (CLIENT PAUSE WRITE holds it). */
  multiMayWrite(c: Client): boolean;
  /** Client id that tracking invalidations go to, -1 when none (tracking layer). */
  redir(c: Client): number;
}

/**
 * Client-side caching subcommands of CLIENT, installed by the tracking layer. Until then CLIENT
 * TRACKINGINFO/GETREDIR/CACHING reply as Redis does for a client with tracking off.
 */
export interface TrackingHandlers {
  tracking: Handler;
  trackingInfo: Handler;
  getRedir: Handler;
  caching: Handler;
}
export class Server {
  readonly config: Config;
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
  /** Clients blocked right now, by any blocking mechanism (INFO blocked_clients). */
  blockedClients = 0;
  /** Blocked clients: BLPOP & co, BZPOPMIN, XREAD BLOCK (src/server/blocking.ts). */
  readonly blocking: Blocking;
  readonly clock: () => number;
  readonly startTime: number;
  readonly runId: string;
  port = 0;
  /** Replication role as HELLO and ROLE report it; the replication layer sets "slave". */
  role: "master" | "slave" = "master";
  readonly stats = {
    connectionsReceived: 0,
    rejectedConnections: 0,
    commandsProcessed: 0,
    netInputBytes: 0,
    netOutputBytes: 0,
    errorReplies: 0,
    errorCodes: new Map<string, number>(),
    readsProcessed: 0,
    writesProcessed: 0,
    peakMemory: 0,
    startupMemory: 0,
  };
  cmdStats: CommandStats;
  /**
   * Subscribers to the write stream (AOF; replicas are fed by `propagate` itself). argv may be
   * views into a request buffer: a subscriber that keeps them must copy.
   */
  readonly propagators: Propagator[] = [];
  /** Called when a client disconnects (pub/sub, blocking, WATCH clean-up). */
  readonly onClientClose: ClientHook[] = [];
  /** Keyspace change listeners (WATCH, client tracking): Redis's signalModifiedKey. */
  readonly onKeyModified: KeyHook[] = [];
  /** Key creation listeners (blocked clients: Redis's signalKeyAsReady from dbAdd). */
  readonly onKeyCreated: KeyHook[] = [];
  /** Called after every top-level command (blocked-client wake-ups and the like). */
  readonly afterCommand: ClientHook[] = [];
  /** Compatibility level reported to clients (INFO redis_version, HELLO, RDB aux). */
  readonly redisVersion = REDIS_VERSION;
  /** RDB persistence: SAVE/BGSAVE, save points, loading. */
  readonly rdb: RdbManager;
  /** Append-only file (multi-part, Redis 7.0 layout). */
  readonly aof: Aof;
  /** True while loading data at start-up: commands run without propagation. */
  loading = false;
  /** Primary side of replication (always present: a replica can have replicas too). */
  readonly repl: ReplicationPrimary;
  /** Our link to a primary when we are a replica. */
  replica: ReplicaLink | null = null;
  /** True while we follow a primary (the replication layer asks). */
  isReplica(): boolean {
    return this.replica !== null;
  }
  /** The client applying the primary's stream (CF_PRIMARY). */
  private primaryClient: Client | null = null;
  /** True while EXEC runs its queued commands (set by the transactions family). */
  executingTransaction = false;
  /** Lua scripts and functions (EVAL, FCALL, SCRIPT, FUNCTION). */
  readonly scripts: ScriptRunner;
  /**
   * Nesting of command execution (Redis's execution_nesting): commands run by a script see the
   * clock frozen at the script's start, so keys do not expire halfway through it.
   */
  callDepth = 0;
  /** While set (a script runs), writes are collected here instead of propagated. */
  propagationCapture: CapturedWrite[] | null = null;
  /** Clients blocked in WAIT. */
  private waiters = new Set<{ c: Client; num: number; target: number; timer: ReturnType<typeof setTimeout> | null }>();
  // --- Configuration and administration (INFO, SLOWLOG, LATENCY, SHUTDOWN; see admin.ts)
  configFile: string | null;
  readonly executable: string;
  readonly exitOnShutdown: boolean;
  /** Unix time (seconds) of the last successful save (LASTSAVE). */
  get lastSave(): number {
    return Math.floor(this.rdb.lastSave / 1000);
  }
  /** Run by SHUTDOWN and signals before the listeners close (final save, AOF flush). */
  readonly shutdownHooks: ShutdownHook[] = [];
  /** Run by CONFIG RESETSTAT after the server's own counters are reset. */
  readonly resetStatHooks: (() => void)[] = [];
  /** INFO sections by lowercase name; layers replace the provider of the section they own. */
  readonly infoSections: Map<string, InfoProvider> = defaultInfoSections();
  /** Counters other layers own, read by INFO. */
  readonly gauges = defaultGauges();
  readonly metrics = new InstantMetrics();
  readonly slowlog = new SlowLog();
  readonly latency = new LatencyMonitor();
  readonly histograms: CommandHistograms;
  /** INFO, CONFIG RESETSTAT/REWRITE services for the command layer. */
  readonly admin: Admin;
  private tcpListeners: TCPSocketListener<Client>[] = [];
  private unixListener: UnixSocketListener<Client> | null = null;
  private started = false;
  /** FLUSHDB/FLUSHALL/SWAPDB listeners (WATCH, client tracking): see `signalDbChanged`. */
  readonly onDbChanged: DbChangedHook[] = [];
  /**
   * Run at the end of every input event before pending output is written (Redis's beforeSleep):
   * BCAST tracking broadcasts and the like.
   */
  readonly beforeFlush: (() => void)[] = [];
  /** Pub/Sub channels and patterns. */
  readonly pubsub = new PubSub();
  /** WATCHed keys. */
  readonly watches: WatchTable = new WatchTable(this);
  /** Client-side caching (CLIENT TRACKING). */
  readonly tracking: Tracking = new Tracking(this);
  /**
   * RESET: each layer clears its own connection state here (MULTI/WATCH, subscriptions,
   * tracking). The connection family resets db, protocol, name, auth and reply mode itself.
   */
  readonly onClientReset: ClientHook[] = [];
  /** CLIENT UNBLOCK, installed by the blocking layer: true when `c` was unblocked. */
  unblockClient: ((c: Client, timeout: boolean) => boolean) | null = null;
  /** Readers for CLIENT LIST fields owned by other layers. */
  readonly clientState: ClientStateReaders = {
    sub: (c) => c.pubsub?.channels.size ?? 0,
    psub: (c) => c.pubsub?.patterns.size ?? 0,
    ssub: (c) => c.pubsub?.shard.size ?? 0,
    multi: (c) => (c.flags & CF_MULTI ? 0 : -1),
    multiMem: () => 0,
    multiMayWrite: () => false,
    redir: () => -1,
  };
  /** CLIENT PAUSE state. */
  readonly pause = new ClientPause(this);
  private cronTimer: ReturnType<typeof setInterval> | null = null;
  private expireDb = 0;
  private expireWorkUntil = 0;
  /** A continuation slice of the active expiry cycle is scheduled (never run two chains). */
  private expireChained = false;
  /** Active expiry counters: for INFO-like reporting, tests and the expiry benchmark. */
  readonly expireStats = { cycles: 0, slices: 0, checked: 0, expired: 0, maxSliceChecked: 0, timeLimitHits: 0 };
  private stopped = false;

  constructor(opts: ServerOptions = {}) {
    this.log = opts.logger ?? new Logger();
    this.config = opts.loadedConfig ?? new Config();
    for (const [k, v] of Object.entries(opts.config ?? {})) {
      const err = this.config.set(k, v);
      if (err !== null) throw new Error(`config '${k}': ${err}`);
    }
    if (opts.logger === undefined) this.log.file = this.config.get("logfile");
    if (this.config.get("dir") === "") this.config.set("dir", process.cwd());
    this.configFile = opts.configFile ?? null;
    this.exitOnShutdown = opts.exitOnShutdown === true;
    this.executable = opts.executable ?? process.execPath;
    this.clock = opts.clock ?? Date.now;
    this.realClock = opts.clock === undefined;
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
    this.histograms = new CommandHistograms(n);
    this.rdb = new RdbManager(this);
    this.aof = new Aof(this);
    this.propagators.push((db, argv) => this.aof.feed(db, argv));
    this.repl = new ReplicationPrimary(this);
    this.infoSections.set("persistence", (s) => infoFields(persistenceInfoLines(s)));
    // Persistence and replication settings that take effect at once, as in Redis.
    this.config.onApply(["appendonly"], () => {
      if (!this.started) return null;
      if (this.config.getBool("appendonly")) return this.aof.enable();
      this.aof.disable();
      return null;
    });
    this.config.onApply(["appendfsync"], () => {
      if (this.aof.enabled) this.aof.applyPolicy();
      return null;
    });
    this.config.onApply(["repl-backlog-size"], () => {
      this.repl.backlog?.resize(this.config.getInt("repl-backlog-size"));
      return null;
    });
    this.infoSections.set("replication", (s) => infoFields(replicationInfoLines(s)));
    this.repl.onAck = () => this.checkWaiters();
    this.gauges.connectedReplicas = () => this.repl.links.size;
    this.onClientClose.push((c) => {
      // CLIENT KILL TYPE master: drop the link; it reconnects and continues with PSYNC.
      if (c === this.primaryClient) {
        this.primaryClient = null;
        this.primaryDbId = c.db.id;
        this.replica?.dropLink();
      }
      this.repl.dropReplica(c.id);
      for (const w of this.waiters) if (w.c === c) this.finishWait(w, false);
    });
    this.scripts = new ScriptRunner(this);
    this.minReplicasToWrite = this.config.getInt("min-replicas-to-write");
    this.config.listeners.push((name) => {
      if (name === "min-replicas-to-write") this.minReplicasToWrite = this.config.getInt(name);
    });
    this.ephemeral = opts.ephemeralPort === true;
    this.cronEnabled = opts.cron !== false;
    this.applyConfig();
    this.admin = new Admin(this, opts.configExtras ?? { users: [], renames: [] });
    this.stats.startupMemory = this.stats.peakMemory = usedMemory();
    this.blocking = new Blocking(this);
    this.unblockClient = (c, timeout) => this.blocking.unblockClient(c, !timeout);
    for (const f of FAMILIES) f.install?.(this);
  }

  private readonly ephemeral: boolean;
  private readonly cronEnabled: boolean;

  /** Mirror config values read on hot paths into fields. Called after every CONFIG SET. */
  applyConfig(): void {
    this.readerLimits.maxBulkLen = this.config.getInt("proto-max-bulk-len");
    this.readerLimits.queryBufferLimit = this.config.getInt("client-query-buffer-limit");
    this.log.setLevel(this.config.get("loglevel"));
    this.ks.lfu = this.config.get("maxmemory-policy").endsWith("-lfu");
    this.ks.lfuLogFactor = this.config.getInt("lfu-log-factor");
    this.ks.lfuDecayTime = this.config.getInt("lfu-decay-time");
    this.notifyFlags = keyspaceEventFlags(this.config.get("notify-keyspace-events"));
    this.latency.threshold = this.config.getInt("latency-monitor-threshold");
    this.slowlog.trim(this.config.getInt("slowlog-max-len"));
    this.protectedMode = this.config.getBool("protected-mode");
    this.tcpKeepAlive = this.config.getInt("tcp-keepalive");
  }


  /** Mirrors min-replicas-to-write (read by every write command; kept by a config listener). */
  private minReplicasToWrite = 0;

  /** Mirrors tcp-keepalive (seconds; 0 disables). */
  tcpKeepAlive = 300;

  /** Mirrors protected-mode: refuse non-loopback clients while no password is set. */
  protectedMode = true;

  requiresAuth(): boolean {
    return this.config.get("requirepass") !== "";
  }

  // ---------------------------------------------------------------------------------------------
  // Listening

  /** RDB aux fields for snapshots. */
  aux(): AuxInfo {
    return { redisVersion: this.redisVersion, ctime: this.clock(), usedMem: process.memoryUsage().rss, functions: this.scripts.functionPayloads() };
  }

  /** FUNCTION libraries' code, for snapshots (RDB_OPCODE_FUNCTION2 records). */
  functionPayloads(): Uint8Array[] {
    return this.scripts.functionPayloads();
  }

  /** Load persisted data: the AOF when appendonly is on (Redis ignores the RDB then), else the RDB. */
  loadData(): void {
    this.loading = true;
    try {
      if (this.config.getBool("appendonly")) {
        const files = this.aof.readManifest();
        if (files === null) {
          this.aof.createFresh();
          return;
        }
        const fake = new Client(this, null, new ReplyWriter(1024));
        fake.flags |= CF_FAKE;
        const res = loadAof(this.aof.dir, files, {
          ks: this.ks,
          limits: { get: (n) => this.config.getInt(n) },
          now: this.clock(),
          checksum: this.config.getBool("rdbchecksum"),
          loadTruncated: this.config.getBool("aof-load-truncated"),
          log: this.log,
          execute: (argv) => this.executeFake(fake, argv),
          onFunctions: (codes) => this.scripts.restoreFunctions(codes),
        });
        this.log.notice(`DB loaded from append only file: ${res.keysFromBase} keys from the base, ${res.commands} commands`);
        this.aof.startAppending(files);
        return;
      }
      const loaded = this.rdb.loadAtStartup();
      if (loaded !== null) this.scripts.restoreFunctions(loaded.functions);
      if (loaded !== null) this.log.notice(`Done loading RDB, keys loaded: ${loaded.keys}, keys expired: ${loaded.expiredSkipped}.`);
    } finally {
      this.loading = false;
    }
  }

  /** Run a command for a fake client (AOF loading): no checks, no replies kept, no propagation. */
  executeFake(fake: Client, argv: Uint8Array[]): void {
    let spec = this.registry.lookup(argv[0]!);
    if (spec !== null && spec.subcommands !== null && argv.length >= 2) spec = spec.subcommands.get(lowerName(argv[1]!)) ?? null;
    if (spec === null) throw new Error(`Unknown command '${printable(argv[0]!, 128)}' reading the append only file`);
    fake.argv = argv;
    fake.cmd = spec;
    this.call(fake, spec);
    fake.out.len = 0;
  }

  async start(): Promise<void> {
    this.loadData();
    const of = this.config.get("replicaof").trim().split(/\s+/);
    // No cached primary at startup (the RDB keeps no replication ID here): PSYNC ? -1, as Redis.
    if (of.length === 2) this.replicaof(of[0]!, Number(of[1]), false);
    const port = this.ephemeral ? 0 : this.config.getInt("port");
    const err = this.listenTcp(port, this.config.get("bind"));
    if (err !== null) throw new Error(err);
    const unix = this.config.get("unixsocket");
    if (unix !== "") {
      try {
        unlinkSync(unix);
      } catch {
        // No stale socket file.
      }
      this.unixListener = Bun.listen<Client>({ unix, socket: this.socketHandlers });
      const perm = this.config.getInt("unixsocketperm");
      if (perm !== 0) chmodSync(unix, perm);
    }
    this.started = true;
    this.scheduleCron();
    const pidfile = this.config.get("pidfile");
    if (pidfile !== "") {
      try {
        writeFileSync(pidfile, `${process.pid}\n`);
      } catch (e) {
        this.log.warning(`Failed to write PID file: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.log.notice(`Running mode=standalone, port=${this.port}.`);
    this.log.warning("Server initialized");
    this.log.notice("Ready to accept connections");
  }

  private readonly socketHandlers = {
    open: (sock: Socket<Client>) => this.onOpen(sock),
    data: (sock: Socket<Client>, chunk: Uint8Array) => this.onData(sock.data, chunk),
    drain: (sock: Socket<Client>) => sock.data?.drain(),
    close: (sock: Socket<Client>) => this.onClose(sock.data),
    error: (sock: Socket<Client>, err: Error) => this.log.verbose(`client error: ${err.message}`),
  };

  /**
   * (Re)bind the TCP listeners: `bind` is the list of addresses (`*` any IPv4, `::*` any IPv6,
   * `-` prefix: skip if unavailable), port 0 disables TCP (unless the server was asked for an
   * ephemeral port). New listeners are opened before the old ones close, so a failure leaves
   * the server as it was; connected clients stay connected. Returns an error text or null.
   */
  listenTcp(port: number, bind: string): string | null {
    const created: TCPSocketListener<Client>[] = [];
    const addrs = bind.split(" ").filter((a) => a !== "");
    let chosen = port;
    if (port !== 0 || this.ephemeral) {
      for (const raw of addrs) {
        const optional = raw.startsWith("-");
        const addr = optional ? raw.slice(1) : raw;
        const hostname = addr === "*" ? "0.0.0.0" : addr === "::*" ? "::" : addr;
        try {
          // ipv6Only (honoured by Bun, not yet in its listen typings) lets `*` and `::*` coexist.
          const options: TCPSocketListenOptions<Client> & { ipv6Only: boolean } = { hostname, port: chosen, ipv6Only: hostname.includes(":"), socket: this.socketHandlers };
          const l = Bun.listen<Client>(options);
          chosen = l.port;
          created.push(l);
        } catch (e) {
          const code = (e as { code?: string }).code;
          if (optional && (code === "EADDRNOTAVAIL" || code === "EAFNOSUPPORT" || code === "EPROTONOSUPPORT")) continue;
          // An OS-chosen port may be taken on the other address family: optional ones skip it.
          if (optional && port === 0 && code === "EADDRINUSE") continue;
          for (const l of created) l.stop(false);
          this.log.warning(`Warning: Could not create server TCP listening socket ${addr}:${port}: ${e instanceof Error ? e.message : String(e)}`);
          return "Failed to bind to specified addresses.";
        }
      }
    }
    for (const l of this.tcpListeners) l.stop(false);
    this.tcpListeners = created;
    this.port = created.length > 0 ? chosen : port;
    return null;
  }

  /** Listening: start() ran and stop() did not. */
  get isRunning(): boolean {
    return this.started && !this.stopped;
  }

  /** (Re)start the cron timer at `hz` (after CONFIG SET hz). */
  scheduleCron(): void {
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    this.cronTimer = null;
    this.cronPeriod = 0;
    if (!this.cronEnabled || !this.started || this.stopped) return;
    const hz = Math.max(1, Math.min(500, this.config.getInt("hz")));
    this.cronPeriod = Math.floor(1000 / hz);
    this.cronTimer = setInterval(() => this.cron(), this.cronPeriod);
  }

  /** Milliseconds between cron runs while the timer runs (0 when it does not). */
  cronPeriod = 0;

  /** Redis's prepareForShutdown + exit: hooks (final save), close listeners, exit if main. */
  shutdown(opts: ShutdownOptions): boolean {
    if (opts.signal) this.log.warning(`Received ${opts.signal} scheduling shutdown...`);
    this.log.warning("User requested shutdown...");
    for (const h of this.shutdownHooks) {
      const err = h(opts);
      if (err !== null) {
        this.log.warning(err);
        if (!opts.force) {
          this.log.warning("Errors trying to shut down the server. Check the logs for more information.");
          return false;
        }
      }
    }
    const pidfile = this.config.get("pidfile");
    if (pidfile !== "") {
      try {
        unlinkSync(pidfile);
      } catch {
        // Already gone.
      }
    }
    this.log.warning(`Redis is now ready to exit, bye bye...`);
    this.flushPending();
    void this.stop();
    if (this.exitOnShutdown) process.exit(0);
    return true;
  }

  /** Stop listening and close every client. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.cronTimer !== null) clearInterval(this.cronTimer);
    this.aof.close();
    this.replica?.stop();
    for (const l of this.tcpListeners) l.stop(true);
    this.tcpListeners = [];
    if (this.unixListener !== null) {
      this.unixListener.stop(true);
      this.unixListener = null;
      try {
        unlinkSync(this.config.get("unixsocket"));
      } catch {
        // Already gone.
      }
    }
    for (const c of this.clients.values()) {
      c.flags |= CF_CLOSE_ASAP;
      c.socket?.terminate();
    }
    this.blocking.stop();
    this.pause.stop();
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
    if (sock.remoteAddress) {
      c.addr = `${sock.remoteAddress}:${sock.remotePort ?? 0}`;
      c.laddr = `${sock.localAddress ?? "127.0.0.1"}:${sock.localPort ?? this.port}`;
      if (this.protectedMode && !this.requiresAuth() && !isLoopback(sock.remoteAddress)) {
        sock.write(DENIED);
        sock.end();
        return;
      }
      if (this.tcpKeepAlive > 0) sock.setKeepAlive(true, this.tcpKeepAlive * 1000);
    } else {
      // Redis names both ends of a Unix-socket connection "<path>:0".
      c.flags |= CF_UNIX;
      c.addr = c.laddr = `${this.config.get("unixsocket")}:0`;
    }
    const fd = (sock as unknown as { fd?: unknown }).fd;
    if (typeof fd === "number") c.fd = fd;
    this.clients.set(c.id, c);
  }

  private onClose(c: Client | undefined): void {
    if (c === undefined || !this.clients.has(c.id)) return;
    this.clients.delete(c.id);
    c.flags |= CF_CLOSE_ASAP;
    if (c.flags & CF_POSTPONED) this.pause.remove(c);
    for (const h of this.onClientClose) h(c);
    c.socket = null;
  }

  /** Close a connection now and forget it (CLIENT KILL of another client: gone at once). */
  freeClient(c: Client): void {
    c.close();
    this.onClose(c);
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  /** Parse and run every complete command in the input, then write the replies once. */
  onData(c: Client, chunk: Uint8Array): void {
    this.stats.netInputBytes += chunk.length;
    this.stats.readsProcessed++;
    c.reader.feed(chunk);
    this.processInput(c);
  }

  /** Run the commands buffered for `c` (also used to resume a client after it unblocks). */
  processInput(c: Client): void {
    const out = c.out;
    // Output already waiting for c (from other clients' events) goes out before these replies.
    const pendingBefore = c.pendingOut;
    const pendingMark = pendingBefore === null ? 0 : pendingBefore.length;
    this.current = c;
    out.resp = c.resp;
    const reader = c.reader;
    // The batch's start time: the first command's timing starts here (see `call`).
    const t = performance.now();
    c.lastInteraction = this.realClock ? Math.floor(this.wallBase + t) : this.clock();
    this.tick = t;
    if (c.postponedArgv !== null && (c.flags & CF_POSTPONED) === 0) {
      // Resuming after CLIENT PAUSE: the command that waited goes first.
      c.argv = c.postponedArgv;
      c.postponedArgv = null;
      this.execute(c);
    }
    while ((c.flags & (CF_CLOSE_AFTER_REPLY | CF_CLOSE_ASAP | CF_BLOCKED | CF_POSTPONED)) === 0) {
      const st = reader.next();
      if (st === READ_COMMAND) {
        c.argv = reader.argv;
        this.execute(c);
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
    this.tick = -1;
    const bytes = out.take();
    if (bytes.length > 0) {
      this.stats.writesProcessed++;
      if (bytes.length > c.replyPeak) c.replyPeak = bytes.length;
      if (this.aof.pending) {
        // Replies never leave before the writes they acknowledge reached the AOF.
        this.flushPending();
        this.stats.netOutputBytes += bytes.length;
        this.aof.beforeReply(c, bytes);
      } else if (bytes.length >= DIRECT_REPLY_MIN && c.pendingOut === null) {
        // A large reply with nothing ahead of it: write it now rather than copy it to wait.
        this.stats.netOutputBytes += bytes.length;
        c.write(bytes);
      } else this.queueReply(c, bytes, c.pendingOut === pendingBefore ? pendingMark : 0);
    }
    if (c.flags & CF_CLOSE_AFTER_REPLY && c.pendingOut === null && c.queuedBytes === 0) c.close();
    else this.scheduleFlush();
  }

  /**
   * Queue a client's replies (a view of the shared writer: copied) for the end of this event-loop
   * turn, at `at` in its pending output: after what other events queued for it, before what its
   * own commands produced for it out of band. Like Redis's writes in beforeSleep, all clients
   * served in one turn are written together, which saves waking the peers once per event.
   */
  private queueReply(c: Client, bytes: Uint8Array, at: number): void {
    if (c.socket === null || c.flags & CF_CLOSE_ASAP) return;
    const b = bytes.slice();
    const p = c.pendingOut;
    if (p === null) {
      c.pendingOut = [b];
      this.pendingClients.push(c);
    } else if (at >= p.length) p.push(b);
    else p.splice(at, 0, b);
  }

  private flushImmediate = false;

  /** Write pending output once the event loop has dispatched this turn's socket events. */
  private scheduleFlush(): void {
    if (this.flushImmediate) return;
    this.flushImmediate = true;
    setImmediate(() => {
      this.flushImmediate = false;
      if (this.current === null) this.flushPending();
    });
  }

  /** Process one parsed command, then apply CLIENT REPLY OFF/SKIP to what it wrote. */
  private execute(c: Client): void {
    const mark = c.out.len;
    this.processCommand(c);
    if (c.flags & (CF_REPLY_OFF | CF_REPLY_SKIP | CF_REPLY_SKIP_NEXT)) this.replyControl(c, mark);
  }

  /** Redis's CLIENT REPLY bookkeeping, done once the command is over (not while postponed). */
  private replyControl(c: Client, mark: number): void {
    if (c.flags & CF_POSTPONED) return;
    if (c.flags & (CF_REPLY_OFF | CF_REPLY_SKIP)) c.out.len = mark;
    c.flags &= ~CF_REPLY_SKIP;
    if (c.flags & CF_REPLY_SKIP_NEXT) {
      c.flags = (c.flags | CF_REPLY_SKIP) & ~CF_REPLY_SKIP_NEXT;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Output produced for other clients (pub/sub fan-out, invalidations, wake-ups)

  private pendingClients: Client[] = [];
  private flushScheduled = false;

  /** Register a client whose `pendingOut` just became non-empty (Client.deliver). */
  schedulePending(c: Client): void {
    this.pendingClients.push(c);
    if (!this.flushScheduled) {
      // Output produced outside an input event (cron, timers) is written at the end of the tick.
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        if (this.current === null) this.flushPending();
      });
    }
  }

  /** Run the beforeFlush hooks, then write every client's pending output (one write each). */
  flushPending(): void {
    const hooks = this.beforeFlush;
    for (let i = 0; i < hooks.length; i++) hooks[i]!();
    while (this.pendingClients.length > 0) {
      const list = this.pendingClients;
      this.pendingClients = [];
      for (const c of list) {
        const parts = c.pendingOut;
        c.pendingOut = null;
        if (parts === null || c.socket === null || c.flags & CF_CLOSE_ASAP) continue;
        let b: Uint8Array;
        if (parts.length === 1) b = parts[0]!;
        else {
          let n = 0;
          for (const p of parts) n += p.length;
          b = new Uint8Array(n);
          let o = 0;
          for (const p of parts) {
            b.set(p, o);
            o += p.length;
          }
        }
        this.stats.netOutputBytes += b.length;
        c.write(b);
        if (c.flags & CF_CLOSE_AFTER_REPLY && c.queuedBytes === 0) c.close();
      }
    }
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
    if (flags & F_WRITE && !(c.flags & CF_PRIMARY)) {
      if (this.replica !== null && this.config.getBool("replica-read-only")) return this.reject(c, spec, E.READONLY);
      const minReplicas = this.minReplicasToWrite;
      if (minReplicas > 0 && this.replica === null && this.repl.goodReplicas() < minReplicas) return this.reject(c, spec, "NOREPLICAS Not enough good replicas to write.");
    }
    if (this.replica !== null && !this.replica.linkUp && !(flags & F_STALE) && !this.config.getBool("replica-serve-stale-data")) {
      return this.reject(c, spec, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
    }
    const policies = this.policies;
    for (let i = 0; i < policies.length; i++) {
      const err = policies[i]!(c, spec);
      if (err !== null) return this.reject(c, spec, err);
    }
    // CLIENT PAUSE comes before MULTI queueing: Redis holds a paused write even inside MULTI.
    if (this.pause.type !== PAUSE_OFF && this.pause.blocks(c, spec)) return this.pause.postpone(c);
    if (c.flags & CF_MULTI && this.queueCommand !== null && this.queueCommand(c, spec)) return;
    this.call(c, spec);
    for (let i = 0; i < this.afterCommand.length; i++) this.afterCommand[i]!(c);
  }

  /**
   * Extra generic checks installed by later layers (OOM, read-only replica, pub/sub context,
   * loading, busy script), run in order: the first error text rejects the command. An empty
   * list costs the hot path one length check.
   */
  readonly policies: PolicyHook[] = [];

  /** Add a generic dispatch check; checks run in the order they were added. */
  addPolicy(check: PolicyHook): void {
    this.policies.push(check);
  }
  /** MULTI queueing, installed by the transactions family: returns true when queued. */
  queueCommand: ((c: Client, spec: CommandSpec) => boolean) | null = null;
  /**
   * Called after each executed command when MONITOR clients exist, except `admin` and
   * `skip_monitor` ones (EVAL feeds itself before running its script, as Redis does).
   */
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
    // One clock read per command: a top-level command of an input batch starts when the previous
    // one ended (or the batch began), so its time includes its own parsing and dispatch; its
    // "now" comes from the same read when the clock is the real one. Nested calls (EXEC's queued
    // commands, scripts) see the time of the outer command, so a transaction is one instant for
    // expiry, as in Redis.
    const top = this.callDepth === 0;
    let t0 = this.tick;
    if (!top || t0 < 0) t0 = performance.now();
    if (top) ks.now = this.realClock ? Math.floor(this.wallBase + t0) : this.clock();
    const dirtyBefore = this.dirty;
    const errorsBefore = this.stats.errorReplies;
    c.propArgv = null;
    c.forcePropagation = false;
    c.alsoPropagate = null;
    c.forceReplPropagation = false;
    this.callDepth++;
    try {
      spec.handler(c);
    } catch (err) {
      if (err instanceof ReplyError) c.out.error(err.text);
      else {
        const msg = err instanceof Error ? err.message : String(err);
        this.log.warning(`Unexpected error in '${spec.name}': ${err instanceof Error ? err.stack : msg}`);
        c.out.error(`ERR internal error in '${spec.name}': ${msg}`);
      }
    } finally {
      this.callDepth--;
    }
    const t1 = performance.now();
    const usec = (t1 - t0) * 1000;
    // The next command of this batch starts at t1 unless what follows may take real time (feeding
    // monitors, serving blocked clients, encoding propagated writes): then it reads the clock.
    let chain = top && this.current === c && this.blockedClients === 0;
    // After the command, like Redis: SELECT shows its new db, AUTH its redacted arguments.
    if (this.monitorFeed !== null && !(spec.flags & (F_SKIP_MONITOR | F_ADMIN))) {
      this.monitorFeed(c, spec);
      chain = false;
    }
    const id = spec.id;
    this.cmdStats.calls[id]!++;
    this.cmdStats.usec[id]! += usec;
    // ">" not "!==": CONFIG RESETSTAT zeroes the counter during its own call.
    if (this.stats.errorReplies > errorsBefore) this.cmdStats.failed[id]!++;
    this.stats.commandsProcessed++;
    c.lastCmd = spec;
    if (this.slowCommand !== null) this.slowCommand(c, spec, usec);
    if (c.alsoPropagate !== null) {
      if (!this.loading) this.propagateAlso(c, c.alsoPropagate);
      chain = false;
    } else if ((this.dirty !== dirtyBefore || c.forcePropagation) && !this.loading && spec.flags & F_WRITE) {
      this.propagate(c.db.id, c.propArgv ?? c.argv, (c.flags & CF_PRIMARY) === 0);
      c.woff = this.repl.offset;
      if (this.aof.enabled || this.repl.backlog !== null || this.propagators.length > 1) chain = false;
    } else if (c.forceReplPropagation && !this.loading && (c.flags & CF_PRIMARY) === 0) {
      this.propagate(c.db.id, c.argv, true, false);
      chain = false;
    }
    // Consumed: EXEC must not inherit the flag from the last command it ran.
    c.forceReplPropagation = false;
    if (top) this.tick = chain ? t1 : -1;
  }

  /** The clock is Date.now (not injected): `call` derives "now" from its timing read. */
  private readonly realClock: boolean;
  /**
   * Epoch ms at performance.now() == 0, so wallBase + performance.now() tracks Date.now() with
   * sub-ms precision; cron re-syncs it if the wall clock is stepped.
   */
  private wallBase = performance.timeOrigin;

  /**
   * performance.now() at which the next top-level command of the input batch being processed
   * starts (the end of the previous one), or -1: `call` reads the clock then.
   */
  private tick = -1;

  /**
   * While non-null, propagated writes are collected here instead of sent (EXEC wraps what its
   * commands propagated in MULTI ... EXEC).
   */
  propBuffer: { dbid: number; argv: Uint8Array[]; aof: boolean }[] | null = null;

  /**
   * Propagate the commands a handler queued in `c.alsoPropagate` in place of its own argv (an
   * empty list propagates nothing). Several are wrapped in MULTI/EXEC like Redis 7.0 does,
   * unless an EXEC or script already wraps them.
   */
  private propagateAlso(c: Client, cmds: Uint8Array[][]): void {
    if (cmds.length === 0) return;
    const toReplicas = (c.flags & CF_PRIMARY) === 0;
    const wrap = cmds.length > 1 && this.propBuffer === null && (c.flags & CF_SCRIPT) === 0;
    if (wrap) this.propagate(c.db.id, [MULTI], toReplicas);
    for (const argv of cmds) this.propagate(c.db.id, argv, toReplicas);
    if (wrap) this.propagate(c.db.id, [EXEC], toReplicas);
    c.woff = this.repl.offset;
  }

  /**
   * Send a write to every subscriber of the write stream (AOF) and to replicas. Commands applied
   * from our own primary reach our replicas as the primary's raw stream instead (`toReplicas`).
   * `toAof` false sends to replicas only (PUBLISH). Subscribers encode at once, so argv is
   * copied only when kept for later (EXEC's buffer): request views die after return.
   */
  propagate(dbid: number, argv: Uint8Array[], toReplicas = true, toAof = true): void {
    if (this.propagationCapture !== null) {
      // A running script's effects are held until it ends (wrapped in MULTI/EXEC as Redis 7.0).
      // REPL_ALL = 3, REPL_AOF = 1, REPL_REPLICA = 2 (redis.set_repl's bits).
      this.propagationCapture.push({ db: dbid, argv: argv.map((a) => a.slice()), targets: toAof ? 3 : 2, toReplicas });
      return;
    }
    if (this.propBuffer !== null) {
      // EXEC holds its commands until it wraps them: they must outlive the request buffer.
      this.propBuffer.push({ dbid, argv: argv.map((a) => a.slice()), aof: toAof });
      return;
    }
    // Subscribers encode (or copy) at once, so request views are passed without copying.
    if (toAof) {
      const ps = this.propagators;
      for (let i = 0; i < ps.length; i++) ps[i]!(dbid, argv);
    }
    if (toReplicas) this.repl.feed(dbid, argv);
  }

  /** Propagate to the AOF side, the replicas, or both (redis.set_repl). Never captured. */
  propagateTo(dbid: number, argv: Uint8Array[], toAof: boolean, toReplicas: boolean): void {
    if (toAof) for (const p of this.propagators) p(dbid, argv);
    if (toReplicas) this.repl.feed(dbid, argv);
  }

  // ---------------------------------------------------------------------------------------------
  // Replication (replica side and WAIT)

  /**
   * REPLICAOF host port: drop our replicas' sync state, connect, resync. A primary turning replica
   * offers its own history for a partial resync (`ownHistory`), as Redis does with
   * replicationCacheMasterUsingMyself; a replica switching primaries offers its current one.
   */
  replicaof(host: string, port: number, ownHistory = true): void {
    const cached = this.replica !== null ? { replid: this.replica.replid, offset: this.replica.offset } : ownHistory ? { replid: this.repl.replid, offset: this.repl.offset } : null;
    this.replica?.stop();
    this.ks.replica = true;
    this.repl.proxying = true;
    this.log.role = "S";
    // CONFIG GET/REWRITE replicaof show where we replicate from now (Sentinel rewrites it).
    this.config.set("replicaof", `${host} ${port}`);
    this.repl.disconnectAll();
    const server = this;
    const link = new ReplicaLink(host, port, {
      clock: () => this.clock(),
      config: this.config,
      log: this.log,
      get port() {
        return server.port;
      },
      loadRdb: (bytes) => {
        this.loading = true;
        try {
          const res = this.rdb.loadBytes(bytes);
          this.scripts.restoreFunctions(res.functions, true);
        } finally {
          this.loading = false;
        }
        this.dirty++;
      },
      applyCommand: (argv) => this.applyPrimaryCommand(argv),
      onFullSync: (replid, offset) => {
        // The primary's stream after a full sync starts in db 0 (it sends SELECT before anything
        // else); after a partial one it continues in the db the previous link left selected.
        this.primaryDbId = 0;
        this.repl.adopt(replid, offset);
        this.repl.disconnectAll();
        if (this.aof.enabled) this.aof.startRewrite();
      },
      onContinue: (newReplid) => {
        this.repl.continueFrom(newReplid, this.replica?.offset ?? this.repl.offset);
        // Our replicas must learn the new ID: they reconnect and continue with it as replid2.
        if (newReplid !== null) this.repl.disconnectAll();
      },
      forward: (b) => this.repl.forward(b),
      inTransaction: () => this.primaryClient !== null && (this.primaryClient.flags & CF_MULTI) !== 0,
      onLinkUp: (sock) => this.attachPrimaryClient(sock),
      onLinkDown: () => this.detachPrimaryClient(),
    }, cached !== null && cached.offset >= 0 && cached.replid !== "?" ? cached : null);
    this.replica = link;
    this.log.notice(`Connecting to MASTER ${host}:${port}`);
    link.start();
  }

  /** REPLICAOF NO ONE: keep the data, become a primary continuing the old primary's history. */
  replicaofNoOne(): void {
    const link = this.replica;
    if (link === null) return;
    link.stop();
    this.replica = null;
    this.ks.replica = false;
    this.repl.proxying = false;
    this.config.set("replicaof", "");
    this.log.role = "M";
    if (link.offset >= 0 && link.replid !== "?") this.repl.promoteFrom(link.replid, link.offset);
    // Our own replicas reconnect to learn the new replication ID (they continue partially).
    this.repl.disconnectAll();
    this.log.notice("MASTER MODE enabled (user request from 'id=?')");
  }

  /**
   * The link to our primary is streaming: its commands run as a client of type master, listed
   * by CLIENT LIST (flags=M), counted in connected_clients, killable by CLIENT KILL TYPE master.
   */
  private attachPrimaryClient(sock: { localAddress?: string; localPort?: number } | null): void {
    this.detachPrimaryClient();
    const c = new Client(this, null, new ReplyWriter(1024));
    c.flags |= CF_PRIMARY | CF_FAKE;
    c.user = "(superuser)"; // as CLIENT LIST shows Redis's master client
    c.addr = this.replica === null ? "" : `${this.replica.host}:${this.replica.port}`;
    if (sock !== null && sock.localAddress !== undefined) c.laddr = `${sock.localAddress}:${sock.localPort ?? 0}`;
    c.db = this.ks.dbs[this.primaryDbId] ?? this.ks.dbs[0]!;
    this.clients.set(c.id, c);
    this.primaryClient = c;
  }

  /** The link is gone: forget its client (a transaction it had open is discarded with it). */
  private detachPrimaryClient(): void {
    const c = this.primaryClient;
    if (c === null) return;
    this.primaryClient = null;
    this.primaryDbId = c.db.id;
    if (this.clients.delete(c.id)) for (const h of this.onClientClose) h(c);
  }

  /** Database the primary's stream had selected when its client went away. */
  private primaryDbId = 0;

  /** Apply one command of our primary's stream. */
  private applyPrimaryCommand(argv: Uint8Array[]): void {
    let c = this.primaryClient;
    if (c === null) {
      c = new Client(this, null, new ReplyWriter(1024));
      c.flags |= CF_PRIMARY | CF_FAKE;
      c.addr = this.replica === null ? "" : `${this.replica.host}:${this.replica.port}`;
      this.primaryClient = c;
    }
    c.argv = argv;
    c.lastInteraction = this.clock();
    let spec = this.registry.lookup(argv[0]!);
    if (spec !== null && spec.subcommands !== null && argv.length >= 2) spec = spec.subcommands.get(lowerName(argv[1]!)) ?? null;
    if (spec === null) {
      this.log.warning(`Unknown command '${printable(argv[0]!, 128)}' from master`);
      return;
    }
    c.cmd = spec;
    if (c.flags & CF_MULTI && this.queueCommand !== null && this.queueCommand(c, spec)) return;
    this.call(c, spec);
    for (let i = 0; i < this.afterCommand.length; i++) this.afterCommand[i]!(c);
    c.out.len = 0;
  }

  /** Block `c` in WAIT until `num` replicas acknowledged `target` or `timeoutMs` passes (0: forever). */
  blockForWait(c: Client, num: number, target: number, timeoutMs: number): void {
    const w = { c, num, target, timer: null as ReturnType<typeof setTimeout> | null };
    c.flags |= CF_BLOCKED;
    this.blockedClients++;
    if (timeoutMs > 0) w.timer = setTimeout(() => this.finishWait(w, true), timeoutMs);
    this.waiters.add(w);
    this.repl.requestAcks();
  }

  private checkWaiters(): void {
    for (const w of this.waiters) if (this.repl.ackedAtLeast(w.target) >= w.num) this.finishWait(w, true);
  }

  private finishWait(w: { c: Client; num: number; target: number; timer: ReturnType<typeof setTimeout> | null }, reply: boolean): void {
    if (!this.waiters.delete(w)) return;
    if (w.timer !== null) clearTimeout(w.timer);
    this.blockedClients--;
    w.c.flags &= ~CF_BLOCKED;
    if (reply) {
      w.c.send(integerReply(w.c.resp, this.repl.ackedAtLeast(w.target)));
      this.resumeClient(w.c);
    }
  }


  /** Run input a client buffered while it was blocked, outside any other client's processing. */
  resumeClient(c: Client): void {
    if (c.reader.pending === 0) return;
    queueMicrotask(() => {
      if (!(c.flags & (CF_BLOCKED | CF_CLOSE_ASAP)) && this.current === null) this.processInput(c);
      else if (!(c.flags & (CF_BLOCKED | CF_CLOSE_ASAP))) setImmediate(() => this.resumeClient(c));
    });
  }

  /**
   * FLUSHDB (`signalDbChanged(id)`), FLUSHALL (`signalDbChanged(-1)`, once) and SWAPDB
   * (`signalDbChanged(a, b)`, once) call this BEFORE changing the databases, so WATCH and client
   * tracking see what the databases held (Redis's signalFlushedDb / touchAllWatchedKeysInDb).
   */
  signalDbChanged(dbid: number, other = -1): void {
    const hs = this.onDbChanged;
    for (let i = 0; i < hs.length; i++) hs[i]!(dbid, other);
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
    // Like Redis, an expiry is not a change the command made (server.dirty stays): the DEL is
    // propagated here, and the command itself propagates only if it changed something.
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
    if (this.realClock) {
      const drift = this.ks.now - (this.wallBase + performance.now());
      if (drift > 1 || drift < -2) this.wallBase += drift;
    }
    // A busy script owns the dataset until it ends: no key expires under it.
    if (this.activeExpireEnabled && !this.scripts.busy) this.activeExpireCycle();
    // Like Redis's databasesCron: at most ~1 ms of incremental rehashing per run (the first
    // database that needs it), and shrink checks for the others.
    let rehashed = false;
    for (const db of this.ks.dbs) {
      if (db.dict.isRehashing) {
        if (!rehashed) {
          db.dict.rehashFor(1);
          rehashed = true;
        }
      } else db.dict.maybeShrink();
    }
    this.rdb.cron();
    this.aof.cron();
    this.repl.cron();
    for (const h of this.cronHooks) h();
  }

  readonly cronHooks: (() => void)[] = [];
  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the active expiry cycle off. */
  activeExpireEnabled = true;

  /**
   * Active expiry in the spirit of Redis's activeExpireCycle: walk expiring keys in slices of at
   * most ~1 ms (and at most EXPIRE_SLICE_MAX_CHECKS keys), keep going (yielding to I/O between
   * slices) while slices keep finding more than the acceptable share of expired keys (10%, less
   * with active-expire-effort), and cap the work at 25% of the time between cron runs (more
   * with effort). Where Redis samples random buckets, Kedis walks each database's ring of
   * expiring keys from a saved cursor, so every volatile key is visited in turn.
   */
  activeExpireCycle(): void {
    if (this.ks.replica) return;
    const period = 1000 / Math.max(1, this.config.getInt("hz"));
    const effort = this.config.getInt("active-expire-effort") - 1;
    this.expireWorkUntil = performance.now() + (period * (25 + 2 * effort)) / 100;
    this.expireStats.cycles++;
    if (!this.expireChained) this.expireSlice();
  }

  private expireSlice(): void {
    this.expireChained = false;
    if (this.stopped) return;
    const sliceEnd = performance.now() + EXPIRE_SLICE_MS;
    this.ks.now = this.clock();
    const effort = this.config.getInt("active-expire-effort") - 1;
    const step = EXPIRE_STEP_CHECKS + 16 * effort;
    const stale = EXPIRE_ACCEPTABLE_STALE - effort;
    const dbs = this.ks.dbs;
    let checked = 0;
    let expired = 0;
    let more = false;
    for (let visited = 0; visited < dbs.length; visited++) {
      const db = dbs[this.expireDb]!;
      while (db.expires > 0) {
        const [ch, ex] = db.activeExpireSlice(Math.min(step, EXPIRE_SLICE_MAX_CHECKS - checked));
        checked += ch;
        expired += ex;
        if (ch === 0 || ex * 100 <= ch * stale) break; // few expired here: move on
        if (checked >= EXPIRE_SLICE_MAX_CHECKS || performance.now() >= sliceEnd) {
          more = true;
          break;
        }
      }
      if (more) break;
      this.expireDb = (this.expireDb + 1) % dbs.length;
    }
    const st = this.expireStats;
    st.slices++;
    st.checked += checked;
    st.expired += expired;
    if (checked > st.maxSliceChecked) st.maxSliceChecked = checked;
    if (!more) return;
    if (performance.now() < this.expireWorkUntil) {
      this.expireChained = true;
      setImmediate(() => this.expireSlice());
    } else st.timeLimitHits++;
  }
}

export * from "../store/notify.ts";

/** Replies at least this large are written at once when nothing is pending for the client. */
const DIRECT_REPLY_MIN = 64 * 1024;

/** Wall time of one active-expiry slice before yielding to I/O. */
const EXPIRE_SLICE_MS = 1;
/** Hard cap on keys one slice examines, whatever the clock says (bounds a slice by construction). */
export const EXPIRE_SLICE_MAX_CHECKS = 8192;
/** Keys examined per step within a slice (before the stale-ratio and time checks). */
const EXPIRE_STEP_CHECKS = 64;
/** Percentage of expired keys under which a database is left alone until the next cycle. */
const EXPIRE_ACCEPTABLE_STALE = 10;


const DEL = new TextEncoder().encode("DEL");
const MULTI = new TextEncoder().encode("MULTI");
const EXEC = new TextEncoder().encode("EXEC");

function isLoopback(addr: string | undefined): boolean {
  if (addr === undefined) return true;
  return addr.startsWith("127.") || addr === "::1" || addr.startsWith("::ffff:127.");
}

/** Redis 7.0's protected-mode refusal, byte for byte (its typo included). */
const DENIED = new TextEncoder().encode(
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n",
);

/** "name:value" lines as INFO field pairs. */
function infoFields(lines: string[]): InfoFields {
  return lines.map((l) => {
    const i = l.indexOf(":");
    return [l.slice(0, i), l.slice(i + 1)];
  });
}

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

