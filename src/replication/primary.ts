/**
 * Primary side of Redis replication (PSYNC2): replication IDs and offsets, the backlog, full
 * resynchronisation through the fork-less snapshot, partial resynchronisation (+CONTINUE), the
 * replication stream (SELECT when the database changes, PING every repl-ping-replica-period),
 * REPLCONF ACK/GETACK, WAIT, and INFO/ROLE data.
 *
 * Full sync: `+FULLRESYNC <replid> <offset>` is sent and a snapshot starts in the same turn, so
 * the RDB is exactly the data at that offset. The RDB streams to the replica as it is produced,
 * framed `$EOF:<mark>` (diskless, when the replica has capa eof) or `$<len>` (collected first).
 * Stream bytes propagated meanwhile wait in that replica's buffer until the RDB is through.
 */
import { Snapshot } from "../persistence/snapshot.ts";
import type { AuxInfo } from "../persistence/rdb/save.ts";
import type { Keyspace } from "../store/database.ts";
import { Backlog } from "./backlog.ts";
import { encodeStreamCommand } from "./stream.ts";

const enc = new TextEncoder();
const NEWLINE = enc.encode("\n");
const PING = encodeStreamCommand([enc.encode("PING")]);
const GETACK = encodeStreamCommand([enc.encode("REPLCONF"), enc.encode("GETACK"), enc.encode("*")]);
/** SELECT <db> encodings, built on first use. */
const selects: Uint8Array[] = [];
function selectCommand(db: number): Uint8Array {
  return (selects[db] ??= encodeStreamCommand([enc.encode("SELECT"), enc.encode(String(db))]));
}

/** The replica connection as the primary sees it (implemented by the server's Client). */
export interface ReplicaConn {
  id: number;
  addr: string;
  write(b: Uint8Array): void;
  /** Like write, for bytes never mutated afterwards (shared, not copied). */
  deliver(b: Uint8Array): void;
  close(): void;
  /** Bytes queued for the socket (output buffer limits). */
  readonly queuedBytes: number;
}

export const RS_WAIT_BGSAVE = "wait_bgsave";
export const RS_SEND_BULK = "send_bulk";
export const RS_ONLINE = "online";

export interface ReplicaLink {
  conn: ReplicaConn;
  state: typeof RS_WAIT_BGSAVE | typeof RS_SEND_BULK | typeof RS_ONLINE;
  listeningPort: number;
  ipAddress: string;
  capaEof: boolean;
  capaPsync2: boolean;
  ackOffset: number;
  ackTime: number;
  /** Stream bytes held while the RDB is being sent. */
  pending: Uint8Array[];
  /** Asked with PSYNC (gets +FULLRESYNC) rather than the old SYNC. */
  psync: boolean;
}

export interface PrimaryHost {
  ks: Keyspace;
  clock(): number;
  config: { get(name: string): string; getInt(name: string): number; getBool(name: string): boolean };
  log: { notice(m: string): void; warning(m: string): void };
  aux(): AuxInfo;
  /** True while we follow a primary ourselves. */
  isReplica(): boolean;
}

/** "ip:listening-port" as Redis names a replica in its logs. */
function replicaName(l: ReplicaLink): string {
  const ip = l.ipAddress !== "" ? l.ipAddress : l.conn.addr.slice(0, l.conn.addr.lastIndexOf(":"));
  return `${ip}:${l.listeningPort}`;
}

export function randomReplId(): string {
  const b = new Uint8Array(20);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export class ReplicationPrimary {
  replid = randomReplId();
  replid2 = "0".repeat(40);
  secondReplOffset = -1;
  backlog: Backlog | null = null;
  /** master_repl_offset when there is no backlog yet (kept across backlog creation). */
  private baseOffset = 0;
  readonly links = new Map<number, ReplicaLink>();
  private selectedDb = -1;
  private snapshot: Snapshot | null = null;
  private lastPing = 0;
  /** Since when no replica is attached (repl-backlog-ttl counts from here). */
  private noReplicasSince: number;
  /** INFO stats: sync_full, sync_partial_ok, sync_partial_err. */
  readonly stats = { full: 0, partialOk: 0, partialErr: 0 };
  /**
   * True while we are a replica ourselves: our replicas then get our primary's stream verbatim
   * (forward) and nothing of our own, not even PINGs, so offsets stay those of the primary.
   */
  proxying = false;
  /** Called when a replica's ACK may satisfy WAITing clients. */
  onAck: (() => void) | null = null;

  constructor(private readonly host: PrimaryHost) {
    this.noReplicasSince = host.clock();
    // PINGs go out every repl-ping-replica-period counted from startup, as Redis's cron does.
    this.lastPing = host.clock();
  }

  get offset(): number {
    return this.backlog === null ? this.baseOffset : this.backlog.offset;
  }

  /** Connected replicas that completed the sync. */
  get onlineCount(): number {
    let n = 0;
    for (const l of this.links.values()) if (l.state === RS_ONLINE) n++;
    return n;
  }

  /** Replicas online with lag within min-replicas-max-lag (for min-replicas-to-write). */
  goodReplicas(): number {
    const maxLag = this.host.config.getInt("min-replicas-max-lag") * 1000;
    const now = this.host.clock();
    let n = 0;
    for (const l of this.links.values()) if (l.state === RS_ONLINE && now - l.ackTime <= maxLag) n++;
    return n;
  }

  private ensureBacklog(): Backlog {
    if (this.backlog === null) {
      this.backlog = new Backlog(this.host.config.getInt("repl-backlog-size"), this.baseOffset);
      this.selectedDb = -1;
    }
    return this.backlog;
  }

  // ---------------------------------------------------------------------------------------------
  // The stream

  /** Propagation subscriber. */
  feed(dbid: number, argv: Uint8Array[]): void {
    if (this.backlog === null) return; // no replica ever attached: nothing to keep
    // A replica's own writes (replica-read-only no) stay local: its replicas get exactly its
    // primary's stream (forward), or offsets would drift apart (Redis's replicationFeedSlaves).
    if (this.host.isReplica()) return;
    if (dbid !== this.selectedDb) {
      this.appendStream(selectCommand(dbid));
      this.selectedDb = dbid;
    }
    this.appendStream(encodeStreamCommand(argv));
  }

  /**
   * Append to the backlog now (offsets are exact at once) and queue for online replicas. The
   * queue is written once per event-loop turn (setImmediate), so the writes of every client
   * served in that turn reach each replica in one socket write, as Redis's beforeSleep does;
   * a write per command or per client batch costs a syscall each. `b` is never mutated.
   */
  private appendStream(b: Uint8Array): void {
    this.backlog!.append(b);
    let online = false;
    for (const l of this.links.values()) {
      if (l.state === RS_ONLINE) online = true;
      else l.pending.push(b);
    }
    if (!online) return;
    this.outQueue.push(b);
    if (!this.outScheduled) {
      this.outScheduled = true;
      setImmediate(() => {
        this.outScheduled = false;
        this.flushStream();
      });
    }
  }

  private outQueue: Uint8Array[] = [];
  private outScheduled = false;

  /**
   * Write queued stream bytes to the replicas online now. Called before any replica goes online,
   * so a replica never gets bytes from before its sync point (its backlog or RDB has them).
   */
  flushStream(): void {
    const parts = this.outQueue;
    if (parts.length === 0) return;
    this.outQueue = [];
    let buf = parts[0]!;
    if (parts.length > 1) {
      let n = 0;
      for (const p of parts) n += p.length;
      buf = new Uint8Array(n);
      let o = 0;
      for (const p of parts) {
        buf.set(p, o);
        o += p.length;
      }
    }
    for (const l of this.links.values()) if (l.state === RS_ONLINE) l.conn.deliver(buf);
  }

  // ---------------------------------------------------------------------------------------------
  // Handshake

  replconf(conn: ReplicaConn, args: string[]): string | null {
    const link = this.linkFor(conn);
    for (let i = 0; i + 1 < args.length; i += 2) {
      const opt = args[i]!.toLowerCase();
      const val = args[i + 1]!;
      if (opt === "listening-port") {
        const p = Number(val);
        if (!Number.isInteger(p)) return "ERR value is not an integer or out of range";
        link.listeningPort = p;
      } else if (opt === "ip-address") link.ipAddress = val;
      else if (opt === "capa") {
        if (val.toLowerCase() === "eof") link.capaEof = true;
        else if (val.toLowerCase() === "psync2") link.capaPsync2 = true;
      } else if (opt === "ack") {
        const off = Number(val);
        if (Number.isInteger(off) && off > link.ackOffset) link.ackOffset = off;
        link.ackTime = this.host.clock();
        this.onAck?.();
        return "";
      } else if (opt === "getack" || opt === "rdb-only" || opt === "rdb-filter-only") {
        // Only meaningful to replicas / tools; accepted.
      } else return `ERR Unrecognized REPLCONF option: ${args[i]}`;
    }
    return null;
  }

  private linkFor(conn: ReplicaConn): ReplicaLink {
    let l = this.links.get(conn.id) ?? this.pendingHandshake.get(conn.id);
    if (l === undefined) {
      l = { conn, state: RS_WAIT_BGSAVE, listeningPort: 0, ipAddress: "", capaEof: false, capaPsync2: false, ackOffset: 0, ackTime: this.host.clock(), pending: [], psync: true };
      this.pendingHandshake.set(conn.id, l);
    }
    return l;
  }

  /** REPLCONF state of connections that have not sent PSYNC yet. */
  private readonly pendingHandshake = new Map<number, ReplicaLink>();

  /**
   * PSYNC replid offset (or SYNC when `replid` is null). Writes the reply and starts streaming.
   * Returns false when a partial resync was refused and a full one started.
   */
  psync(conn: ReplicaConn, replid: string | null, offset: number): boolean {
    const link = this.pendingHandshake.get(conn.id) ?? this.linkFor(conn);
    this.pendingHandshake.delete(conn.id);
    this.links.set(conn.id, link);
    link.ackTime = this.host.clock();
    if (replid !== null) {
      const why = this.partialRefusal(replid, offset, link);
      if (why === null) {
        this.flushStream();
        link.state = RS_ONLINE;
        conn.write(enc.encode(link.capaPsync2 ? `+CONTINUE ${this.replid}\r\n` : "+CONTINUE\r\n"));
        const data = this.backlog!.readFrom(offset);
        if (data.length > 0) conn.write(data);
        this.host.log.notice(`Partial resynchronization request from ${replicaName(link)} accepted. Sending ${data.length} bytes of backlog starting from offset ${offset}.`);
        this.stats.partialOk++;
        return true;
      }
      this.host.log.notice(why);
      if (replid !== "?") this.stats.partialErr++;
    }
    this.stats.full++;
    this.fullSync(link, replid !== null);
    return false;
  }

  /** Why PSYNC <replid> <offset> cannot continue from the backlog (Redis's log text), or null. */
  private partialRefusal(replid: string, offset: number, link: ReplicaLink): string | null {
    if (replid === "?") return `Full resync requested by replica ${replicaName(link)}`;
    if (replid !== this.replid && (replid !== this.replid2 || offset > this.secondReplOffset)) {
      if (replid !== this.replid && replid !== this.replid2) {
        return `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${this.replid}' and '${this.replid2}')`;
      }
      return `Partial resynchronization not accepted: Requested offset for second ID was ${offset}, but I can reply up to ${this.secondReplOffset}`;
    }
    if (this.backlog === null || !this.backlog.canServe(offset)) {
      return `Unable to partial resync with replica ${replicaName(link)} for lack of backlog (Replica request was: ${offset}).`;
    }
    return null;
  }

  private fullSync(link: ReplicaLink, psync: boolean): void {
    this.ensureBacklog();
    link.state = RS_WAIT_BGSAVE;
    link.pending = [];
    link.psync = psync;
    this.host.log.notice(`Replica ${replicaName(link)} asks for synchronization`);
    this.waitingForSnapshot.add(link);
    // Diskless syncs wait repl-diskless-sync-delay seconds so several replicas share one snapshot,
    // as Redis does (newline keep-alives meanwhile).
    const delay = link.capaEof && this.host.config.getBool("repl-diskless-sync") ? this.host.config.getInt("repl-diskless-sync-delay") * 1000 : 0;
    if (delay > 0) {
      if (this.syncDue === 0) this.syncDue = this.host.clock() + delay;
      return;
    }
    this.startWaiting();
  }

  private readonly waitingForSnapshot = new Set<ReplicaLink>();
  /** When delayed diskless syncs are due (0: none pending). */
  private syncDue = 0;

  private startSnapshot(targets: ReplicaLink[]): void {
    // FULLRESYNC carries the offset of this instant, which the snapshot captures exactly.
    for (const t of targets) if (t.psync) t.conn.write(enc.encode(`+FULLRESYNC ${this.replid} ${this.offset}\r\n`));
    // The next stream command must select its database explicitly.
    this.selectedDb = -1;
    const diskless = targets.map((t) => t.capaEof && this.host.config.getBool("repl-diskless-sync"));
    const marks = targets.map(() => randomReplId());
    const collected: Uint8Array[][] = targets.map(() => []);
    targets.forEach((t, i) => {
      t.state = RS_SEND_BULK;
      if (diskless[i]) t.conn.write(enc.encode(`$EOF:${marks[i]}\r\n`));
    });
    const aux = { ...this.host.aux(), replStreamDb: 0, replId: this.replid, replOffset: this.offset };
    const snap = new Snapshot(this.host.ks, {
      sink: (c) => {
        targets.forEach((t, i) => {
          if (diskless[i]) t.conn.write(c);
          else collected[i]!.push(c.slice());
        });
      },
      aux,
      compress: this.host.config.getBool("rdbcompression"),
    });
    this.snapshot = snap;
    snap.runInBackground().then(
      () => {
        this.snapshot = null;
        targets.forEach((t, i) => {
          if (!this.links.has(t.conn.id)) return;
          if (diskless[i]) t.conn.write(enc.encode(marks[i]!));
          else {
            let n = 0;
            for (const c of collected[i]!) n += c.length;
            t.conn.write(enc.encode(`$${n}\r\n`));
            for (const c of collected[i]!) t.conn.write(c);
          }
          this.flushStream();
          t.state = RS_ONLINE;
          for (const b of t.pending) t.conn.deliver(b);
          t.pending = [];
          this.host.log.notice(`Synchronization with replica ${replicaName(t)} succeeded`);
        });
        this.startWaiting();
      },
      (e) => {
        this.snapshot = null;
        this.host.log.warning(`Replication snapshot failed: ${e instanceof Error ? e.message : e}`);
        for (const t of targets) t.conn.close();
        this.startWaiting();
      },
    );
  }

  /** Start a snapshot for replicas that were waiting for one, if none is running. */
  startWaiting(): void {
    if (this.waitingForSnapshot.size === 0 || this.host.ks.snapshotHook !== null) return;
    if (this.syncDue !== 0 && this.host.clock() < this.syncDue) return;
    this.syncDue = 0;
    const targets = [...this.waitingForSnapshot].filter((l) => this.links.has(l.conn.id));
    this.waitingForSnapshot.clear();
    if (targets.length > 0) this.startSnapshot(targets);
  }

  /** A replica connection closed. */
  dropReplica(id: number): void {
    this.pendingHandshake.delete(id);
    const l = this.links.get(id);
    if (l === undefined) return;
    this.links.delete(id);
    this.waitingForSnapshot.delete(l);
    this.host.log.notice(`Connection with replica ${replicaName(l)} lost.`);
    if (this.links.size === 0) this.noReplicasSince = this.host.clock();
  }

  // ---------------------------------------------------------------------------------------------
  // Periodic work

  cron(): void {
    const now = this.host.clock();
    if (this.waitingForSnapshot.size > 0) {
      // Keep-alive newlines for replicas waiting for a delayed diskless sync.
      for (const l of this.waitingForSnapshot) l.conn.write(NEWLINE);
      this.startWaiting();
    }
    if (this.links.size > 0) {
      const period = this.host.config.getInt("repl-ping-replica-period") * 1000;
      if (now - this.lastPing >= period && !this.proxying) {
        this.lastPing = now;
        // Only a top-level primary pings: a replica forwards its primary's PINGs.
        if (this.backlog !== null && !this.host.isReplica()) this.appendStream(PING);
      }
      const timeout = this.host.config.getInt("repl-timeout") * 1000;
      for (const l of [...this.links.values()]) {
        if (l.state === RS_ONLINE && now - l.ackTime > timeout) {
          this.host.log.warning(`Disconnecting timedout replica (streaming sync): ${replicaName(l)}`);
          l.conn.close();
        }
      }
    } else if (this.backlog !== null && !this.host.isReplica()) {
      // Only a top-level primary frees its backlog: a replica keeps it to serve PSYNC after a
      // promotion, as Redis does.
      const ttl = this.host.config.getInt("repl-backlog-ttl") * 1000;
      if (ttl > 0 && now - this.noReplicasSince > ttl) {
        // Redis frees the backlog after repl-backlog-ttl without replicas, and changes replid.
        this.baseOffset = this.backlog.offset;
        this.backlog = null;
        this.shiftReplId();
        this.replid2 = "0".repeat(40);
        this.secondReplOffset = -1;
      }
    }
  }

  /** Send REPLCONF GETACK * to every online replica (WAIT). */
  requestAcks(): void {
    if (this.backlog === null) return;
    this.appendStream(GETACK);
  }

  /** Number of online replicas that acknowledged at least `offset`. */
  ackedAtLeast(offset: number): number {
    let n = 0;
    for (const l of this.links.values()) if (l.state === RS_ONLINE && l.ackOffset >= offset) n++;
    return n;
  }

  /** DEBUG CHANGE-REPL-ID: a new ID and no secondary one (Redis's changeReplicationId + clear). */
  changeReplId(): void {
    this.replid = randomReplId();
    this.replid2 = "0".repeat(40);
    this.secondReplOffset = -1;
  }

  /** After promotion or as Redis does when changing history: new ID, old one kept as replid2. */
  shiftReplId(): void {
    this.replid2 = this.replid;
    this.secondReplOffset = this.offset + 1;
    this.replid = randomReplId();
  }

  /**
   * Become a primary continuing a replica's history (REPLICAOF NO ONE): the inherited ID becomes
   * replid2, valid up to our offset, under a new ID. The backlog accumulated as a replica is kept,
   * so replicas that were a little behind us can still continue (PSYNC2).
   */
  promoteFrom(replid: string, offset: number): void {
    // The backlog TTL counts from the promotion, not from when we last had replicas.
    this.noReplicasSince = this.host.clock();
    this.replid = replid;
    if (this.backlog === null || this.backlog.offset !== offset) {
      this.baseOffset = offset;
      this.backlog = null;
    }
    this.ensureBacklog();
    // The first command we propagate selects its database explicitly.
    this.selectedDb = -1;
    this.shiftReplId();
  }

  /**
   * After a full sync from our primary: take over its replication ID and offset, start a new
   * history (no secondary ID) and a fresh backlog. Replicas keep a backlog whether or not they
   * have replicas of their own, so that after a promotion the other replicas, which may be a
   * little behind, can still continue from it (Redis does the same).
   */
  adopt(replid: string, offset: number): void {
    this.replid = replid;
    this.replid2 = "0".repeat(40);
    this.secondReplOffset = -1;
    this.baseOffset = offset;
    this.backlog = new Backlog(this.host.config.getInt("repl-backlog-size"), offset);
    this.selectedDb = -1;
  }

  /**
   * Partial resync with our primary accepted: a new primary ID (PSYNC2 `+CONTINUE <id>`) becomes
   * ours and the one we had becomes replid2, valid up to our offset, so our own replicas can
   * continue too; and we keep a backlog from now on if we had none.
   */
  continueFrom(newReplid: string | null, offset: number): void {
    if (this.backlog === null) {
      this.baseOffset = offset;
      this.ensureBacklog();
    }
    if (newReplid !== null && newReplid !== this.replid) {
      this.replid2 = this.replid;
      this.secondReplOffset = offset + 1;
      this.replid = newReplid;
    }
  }

  /** Raw bytes received from our own primary, forwarded verbatim to sub-replicas (chaining). */
  forward(b: Uint8Array): void {
    if (this.backlog === null) {
      this.baseOffset += b.length;
      return;
    }
    this.appendStream(b);
  }

  /** Drop every replica (e.g. becoming a replica ourselves). */
  disconnectAll(): void {
    for (const l of [...this.links.values()]) l.conn.close();
  }

  snapshotRunning(): boolean {
    return this.snapshot !== null;
  }
}
