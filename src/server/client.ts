/**
 * Per-connection state (Redis's `client`). A Client is also the context every command handler
 * receives: `c.argv`, `c.db`, `c.out`, `c.server`, like Redis's `client *c`.
 *
 * Output: replies to the client whose input is being processed go to the server's shared writer
 * and are written once per input event. Bytes for any other client (pub/sub messages, unblocked
 * replies) go through `send`, which writes to the socket or queues behind earlier output.
 * Queued output is finished in `drain`; a client past its output limit is closed.
 */
import { CF_CLOSE_AFTER_REPLY, CF_CLOSE_ASAP, CF_MULTI, CF_DIRTY_EXEC, CF_DIRTY_CAS, CF_PUBSUB, CF_BLOCKED, CF_MONITOR, CF_REPLICA, CF_PRIMARY, CF_SCRIPT, CF_NO_EVICT, CF_FAKE, CF_UNIX, CF_REPLY_OFF, CF_REPLY_SKIP_NEXT, CF_REPLY_SKIP, CF_TRACKING, CF_READONLY_CLIENT, CF_NO_TOUCH, CF_POSTPONED } from "../commands/client-flags.ts";
import type { Socket } from "bun";
import type { CommandSpec } from "../commands/spec.ts";
import type { MultiState } from "../commands/transactions.ts";
import type { ClientPubSub } from "../pubsub/pubsub.ts";
import { RespReader } from "../protocol/resp/reader.ts";
import type { ReplyWriter } from "../protocol/resp/writer.ts";
import type { Database, Keyspace } from "../store/database.ts";
import type { Server } from "./server.ts";
import type { ClientTracking } from "./tracking.ts";
import type { WatchedKey } from "./watch.ts";

/** Command postponed by CLIENT PAUSE: the client reads nothing until the pause ends. */

// Client flags live with the commands (they read them); re-exported here for the server.
export * from "../commands/client-flags.ts";

export type ClientSocket = Socket<Client>;

/** The replica side of a connection, as the replication module sees it. */
export interface ReplicaConnAdapter {
  readonly id: number;
  readonly addr: string;
  write(b: Uint8Array): void;
  deliver(b: Uint8Array): void;
  close(): void;
  readonly queuedBytes: number;
}

export class Client {
  readonly id: number;
  /** Null for fake clients (Lua, AOF loading). */
  socket: ClientSocket | null;
  readonly reader: RespReader;
  /** Where replies are written while this client's command runs. */
  out: ReplyWriter;
  flags = 0;
  db: Database;
  resp = 2;
  name: Uint8Array | null = null;
  libName = "";
  libVer = "";
  authenticated: boolean;
  user = "default";
  /** Arguments of the command being run. */
  argv: Uint8Array[] = [];
  /** Spec of the command being run (the subcommand for containers). */
  cmd: CommandSpec | null = null;
  lastCmd: CommandSpec | null = null;
  /** What to propagate instead of argv for this command (deterministic rewrite), if set. */
  propArgv: Uint8Array[] | null = null;
  /** Propagate this command even if it changed nothing (Redis's forceCommandPropagation). */
  forcePropagation = false;
  /**
   * Commands to propagate instead of this one (Redis's alsoPropagate + preventCommandPropagation):
   * XREADGROUP/XCLAIM/XAUTOCLAIM propagate XCLAIMs. More than one is wrapped in MULTI/EXEC.
   */
  alsoPropagate: Uint8Array[][] | null = null;
  /** Propagate this command to replicas only, not the AOF (PUBLISH: Redis's PROPAGATE_REPL). */
  forceReplPropagation = false;
  readonly createdAt: number;
  lastInteraction: number;
  addr = "";
  laddr = "";
  fd = -1;
  /** Copy of the command postponed by CLIENT PAUSE, run first when the client resumes. */
  postponedArgv: Uint8Array[] | null = null;
  /** Largest reply batch written at once (CLIENT LIST rbp). */
  replyPeak = 0;

  /** Replication offset after this client's last write (WAIT). */
  woff = 0;
  private replConn: ReplicaConnAdapter | null = null;

  // Output queued behind a partial socket write.
  private queue: Uint8Array[] = [];
  queuedBytes = 0;
  /** When the output first passed the soft limit (for Redis's soft-limit seconds). */
  softLimitSince = 0;
  /**
   * Output waiting for the end of the event-loop turn (`server.flushPending`): this client's own
   * replies and what other clients' input produced for it (pub/sub fan-out, invalidations,
   * wake-ups), in order, written at once: a pipeline of N PUBLISH costs one write per subscriber.
   */
  pendingOut: Uint8Array[] | null = null;

  // Pub/Sub, transactions and client-side caching state (null until first used).
  /** Channels, patterns and shard channels this client subscribes to. */
  pubsub: ClientPubSub | null = null;
  /** Commands queued since MULTI. */
  multi: MultiState | null = null;
  /** Keys this client WATCHes. */
  watched: WatchedKey[] | null = null;
  /** CLIENT TRACKING state. */
  tracking: ClientTracking | null = null;

  constructor(
    public readonly server: Server,
    socket: ClientSocket | null,
    out: ReplyWriter,
  ) {
    this.id = server.nextClientId++;
    this.socket = socket;
    this.out = out;
    this.db = server.ks.dbs[0]!;
    this.authenticated = !server.requiresAuth();
    this.reader = new RespReader(server.readerLimits);
    this.reader.unauthenticated = !this.authenticated;
    this.createdAt = this.lastInteraction = server.clock();
  }

  get ks(): Keyspace {
    return this.server.ks;
  }

  /** Output bytes waiting for the socket (Redis's omem). */
  get pendingOutput(): number {
    return this.queuedBytes;
  }

  /** Number of output chunks waiting for the socket (Redis's oll). */
  get pendingChunks(): number {
    return this.queue.length;
  }

  /**
   * Send bytes to this client outside its own command processing (or inside it: then they join
   * the shared writer so ordering with the current replies holds). Bytes are copied if queued.
   */
  send(b: Uint8Array): void {
    if (this.server.current === this) {
      this.out.raw(b);
      return;
    }
    // CLIENT REPLY OFF/SKIP silence everything, pushes included (the current client's own
    // replies are dropped by the server after each command).
    if (this.flags & (CF_REPLY_OFF | CF_REPLY_SKIP)) return;
    this.deliver(b.slice());
  }

  /**
   * Like `send`, for bytes the caller hands over and never mutates (they may be shared by many
   * clients: one encoded pub/sub frame for every subscriber). Bytes for the client being served
   * join its replies; others wait in `pendingOut` until the end of the event-loop turn.
   */
  deliver(b: Uint8Array): void {
    if (this.server.current === this) {
      this.out.raw(b);
      return;
    }
    if (this.socket === null || this.flags & CF_CLOSE_ASAP) return;
    if (this.pendingOut === null) {
      this.pendingOut = [b];
      this.server.schedulePending(this);
    } else this.pendingOut.push(b);
  }

  /** Write to the socket now, or queue behind earlier output. */
  write(b: Uint8Array): void {
    const sock = this.socket;
    if (sock === null || b.length === 0 || this.flags & CF_CLOSE_ASAP) return;
    if (this.queuedBytes === 0) {
      const n = sock.write(b);
      if (n >= b.length) return;
      b = b.subarray(n < 0 ? 0 : n);
    }
    this.queue.push(b.slice());
    this.queuedBytes += b.length;
    this.server.checkOutputLimit(this);
  }

  /** Continue writing queued output (socket drain). */
  drain(): void {
    const sock = this.socket;
    if (sock === null) return;
    while (this.queue.length > 0) {
      const b = this.queue[0]!;
      const n = sock.write(b);
      if (n >= b.length) {
        this.queue.shift();
        this.queuedBytes -= b.length;
        continue;
      }
      if (n > 0) {
        this.queue[0] = b.subarray(n);
        this.queuedBytes -= n;
      }
      return;
    }
    this.softLimitSince = 0;
    // Replies still waiting for the end of the event-loop turn go out first (server.flushPending).
    if (this.flags & CF_CLOSE_AFTER_REPLY && this.pendingOut === null) this.close();
  }

  /** Close after pending output is written. */
  closeAfterReply(): void {
    this.flags |= CF_CLOSE_AFTER_REPLY;
  }

  /** Close now, dropping pending output. */
  close(): void {
    const sock = this.socket;
    if (sock === null) return;
    this.flags |= CF_CLOSE_ASAP;
    this.queue = [];
    this.queuedBytes = 0;
    this.pendingOut = null;
    sock.end();
  }

  /** This connection as a replica link: writes keep order with replies still being built. */
  replicaConn(): ReplicaConnAdapter {
    if (this.replConn === null) {
      const c = this;
      this.replConn = {
        id: c.id,
        addr: c.addr,
        write: (b: Uint8Array) => c.send(b),
        deliver: (b: Uint8Array) => c.deliver(b),
        close: () => c.close(),
        get queuedBytes() {
          return c.queuedBytes;
        },
      };
    }
    return this.replConn;
  }

  /** Flag this connection as a replica (after PSYNC/SYNC). */
  markReplica(): void {
    this.flags |= CF_REPLICA;
  }

  /** True while running inside EXEC or a script, where blocking commands must not block. */
  inExecOrScript(): boolean {
    return (this.flags & CF_SCRIPT) !== 0 || this.server.executingTransaction;
  }

  /** Current command name for logs and errors ("get", "config|get"). */
  get cmdName(): string {
    return this.cmd === null ? "" : this.cmd.name;
  }
}
