/**
 * Replica side of Redis replication: connect with `Bun.connect`, handshake (PING, AUTH with
 * masterauth/masteruser, REPLCONF listening-port and capa eof psync2, PSYNC with the cached
 * primary's ID and offset), receive the RDB (`$<len>` or `$EOF:<mark>` framing, newline
 * keep-alives before it), load it, then apply the command stream with exact offset accounting,
 * acknowledge every second (REPLCONF ACK), answer GETACK, reconnect with PSYNC after link loss.
 *
 * The stream is forwarded verbatim to our own replicas (chained replication), so their offsets
 * match the primary's history, as PSYNC2 requires.
 */
import type { Socket } from "bun";
import { RespReader, READ_COMMAND, READ_NEED_MORE } from "../protocol/resp/reader.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

export type LinkState = "none" | "connect" | "connecting" | "handshake" | "sync" | "connected";

export interface ReplicaHost {
  clock(): number;
  config: { get(name: string): string; getInt(name: string): number; getBool(name: string): boolean };
  log: { notice(m: string): void; warning(m: string): void };
  /** Our own listening port, announced with REPLCONF listening-port. */
  port: number;
  /** Replace the dataset with an RDB image (full sync). */
  loadRdb(bytes: Uint8Array): void;
  /** Apply one stream command (argv views valid during the call). */
  applyCommand(argv: Uint8Array[]): void;
  /** Full sync happened: adopt the primary's replication ID and offset. */
  onFullSync(replid: string, offset: number): void;
  /** Partial sync accepted; `newReplid` when the primary's ID changed (PSYNC2 +CONTINUE <id>). */
  onContinue(newReplid: string | null): void;
  /** Stream bytes to forward to sub-replicas. */
  forward(b: Uint8Array): void;
  /** True while the client applying the stream is inside MULTI. */
  inTransaction(): boolean;
  /** The link is synced and streaming (Redis creates its master client here). */
  onLinkUp(sock: Socket<undefined> | null): void;
  /** The streaming link is gone (Redis caches or frees its master client here). */
  onLinkDown(): void;
}

const MAX_BULK = Number.MAX_SAFE_INTEGER;
const EMPTY = new Uint8Array(0);

export class ReplicaLink {
  state: LinkState = "connect";
  /** Replication ID and offset of the data we hold (cached primary for PSYNC). */
  replid = "?";
  offset = -1;
  /** Bytes received from the primary (slave_read_repl_offset). */
  readOffset = -1;
  lastIo = 0;
  syncStartedAt = 0;
  /** Bytes of the RDB received so far and expected (-1: EOF-marked). */
  syncReceived = 0;
  syncExpected = -1;
  linkDownSince = 0;
  private sock: Socket<undefined> | null = null;
  private stopped = false;
  private inbuf = new Uint8Array(0);
  /** Stream bytes received past `forwardedOffset` (see forwardApplied). */
  private unforwarded: Uint8Array = EMPTY;
  private forwardedOffset = 0;
  /** Offset at the end of the last complete command parsed (ahead of `offset` inside MULTI). */
  private parsedOffset = 0;
  private handshakeStep = 0;
  private rdbChunks: Uint8Array[] = [];
  private eofMark: Uint8Array | null = null;
  /** Last bytes of the EOF-marked payload received so far (at most the mark's length). */
  private eofTail: Uint8Array = EMPTY;
  private reader = new RespReader({ maxBulkLen: MAX_BULK, queryBufferLimit: MAX_BULK });
  private ackTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Connection attempt counter (see connect). */
  private gen = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly h: ReplicaHost,
    cached: { replid: string; offset: number } | null,
  ) {
    this.reader.fromPrimary = true;
    if (cached !== null) {
      this.replid = cached.replid;
      this.offset = cached.offset;
      this.readOffset = cached.offset;
    }
    this.linkDownSince = h.clock();
  }

  start(): void {
    this.connect();
    this.ackTimer = setInterval(() => this.tick(), 1000);
  }

  stop(): void {
    if (this.state === "connected") this.h.onLinkDown();
    this.stopped = true;
    this.gen++;
    if (this.ackTimer !== null) clearInterval(this.ackTimer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.sock?.terminate();
    this.sock = null;
    this.state = "none";
  }

  /** Drop the connection to the primary (CLIENT KILL TYPE master); it reconnects with PSYNC. */
  dropLink(): void {
    this.sock?.terminate();
  }

  get linkUp(): boolean {
    return this.state === "connected";
  }

  private connect(): void {
    if (this.stopped) return;
    this.state = "connecting";
    this.handshakeStep = 0;
    this.inbuf = new Uint8Array(0);
    // Events of an older connection (its close after our reconnect) must not touch this one.
    const gen = ++this.gen;
    const lost = (why: string) => {
      if (gen === this.gen) this.onLinkLost(why);
    };
    Bun.connect({
      hostname: this.host,
      port: this.port,
      socket: {
        open: (s) => {
          if (gen !== this.gen) {
            s.terminate();
            return;
          }
          this.sock = s;
          this.lastIo = this.h.clock();
          this.state = "handshake";
          this.h.log.notice(`MASTER <-> REPLICA sync started`);
          this.send(["PING"]);
        },
        data: (_s, d) => {
          if (gen === this.gen) this.onData(d);
        },
        close: () => lost("connection closed"),
        error: (_s, e) => lost(e.message),
        connectError: (_s, e) => lost(e.message),
      },
    }).catch((e: Error) => lost(e.message));
  }

  private onLinkLost(why: string): void {
    if (this.sock === null && this.state === "connect") return;
    const wasUp = this.state === "connected";
    this.sock = null;
    if (this.stopped) return;
    this.state = "connect";
    if (wasUp) {
      this.linkDownSince = this.h.clock();
      this.h.log.warning(`Connection with master lost (${why}).`);
      this.h.onLinkDown();
      // Reconnect at once (Redis 7.0 does, so the backlog is less likely to have moved on).
      this.h.log.notice(`Reconnecting to MASTER ${this.host}:${this.port}`);
      this.connect();
      return;
    }
    if (this.retryTimer === null) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.connect();
      }, 1000);
    }
  }

  private send(args: string[]): void {
    const parts = [`*${args.length}\r\n`];
    for (const a of args) parts.push(`$${enc.encode(a).length}\r\n${a}\r\n`);
    this.sock?.write(enc.encode(parts.join("")));
  }

  /** Every second: ACK our offset, and detect a silent primary. */
  private tick(): void {
    if (this.state === "connected") {
      this.send(["REPLCONF", "ACK", String(this.offset)]);
      const timeout = this.h.config.getInt("repl-timeout") * 1000;
      if (this.h.clock() - this.lastIo > timeout) {
        this.h.log.warning("MASTER timeout: no data nor PING received...");
        this.sock?.terminate();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Input

  private onData(d: Uint8Array): void {
    this.lastIo = this.h.clock();
    if (this.state === "connected") return this.onStream(d);
    const merged = new Uint8Array(this.inbuf.length + d.length);
    merged.set(this.inbuf);
    merged.set(d, this.inbuf.length);
    this.inbuf = merged;
    this.pump();
  }

  private takeLine(): string | null {
    const b = this.inbuf;
    for (let i = 0; i + 1 < b.length; i++) {
      if (b[i] === 13 && b[i + 1] === 10) {
        const line = dec.decode(b.subarray(0, i));
        this.inbuf = b.subarray(i + 2);
        return line;
      }
    }
    return null;
  }

  private pump(): void {
    while (this.sock !== null) {
      if (this.state === "handshake") {
        // A primary may send newline keep-alives while it delays a diskless sync.
        let i = 0;
        while (i < this.inbuf.length && this.inbuf[i] === 10) i++;
        if (i > 0) this.inbuf = this.inbuf.subarray(i);
        const line = this.takeLine();
        if (line === null) return;
        if (!this.handshake(line)) return;
      } else if (this.state === "sync") {
        if (!this.receiveRdb()) return;
      } else return;
    }
  }

  /** One handshake reply. Returns false when the link was abandoned. */
  private handshake(line: string): boolean {
    const err = line.startsWith("-") ? line.slice(1) : null;
    switch (this.handshakeStep) {
      case 0: {
        // PING: NOAUTH-like errors are fine (AUTH comes next), others abandon the link.
        if (err !== null && !err.startsWith("NOAUTH") && !err.startsWith("NOPERM") && !err.startsWith("ERR operation not permitted")) {
          return this.abort(`Error reply to PING from master: '-${err}'`);
        }
        const pass = this.h.config.get("masterauth");
        const user = this.h.config.get("masteruser");
        if (pass !== "") {
          this.handshakeStep = 1;
          this.send(user !== "" ? ["AUTH", user, pass] : ["AUTH", pass]);
          return true;
        }
        this.sendListeningPort();
        return true;
      }
      case 1: // AUTH
        if (err !== null) return this.abort(`Unable to AUTH to MASTER: -${err}`);
        this.sendListeningPort();
        return true;
      case 2: {
        // REPLCONF listening-port (an error is not fatal, as in Redis); then ip-address when
        // replica-announce-ip is set, so the primary's INFO (read by Sentinel) shows it.
        const ip = this.h.config.get("replica-announce-ip");
        if (ip !== "") {
          this.handshakeStep = 5;
          this.send(["REPLCONF", "ip-address", ip]);
          return true;
        }
        this.handshakeStep = 3;
        this.send(["REPLCONF", "capa", "eof", "capa", "psync2"]);
        return true;
      }
      case 5: // REPLCONF ip-address
        this.handshakeStep = 3;
        this.send(["REPLCONF", "capa", "eof", "capa", "psync2"]);
        return true;
      case 3: // REPLCONF capa
        this.handshakeStep = 4;
        this.send(["PSYNC", this.replid, String(this.offset < 0 ? -1 : this.offset + 1)]);
        return true;
      case 4: {
        // PSYNC reply
        if (line.startsWith("+FULLRESYNC")) {
          const [, id, off] = line.split(" ");
          this.replid = id ?? "?";
          this.offset = Number(off);
          this.state = "sync";
          this.syncStartedAt = this.h.clock();
          this.rdbChunks = [];
          this.eofMark = null;
          this.eofTail = EMPTY;
          this.syncExpected = -2; // header not seen yet
          this.syncReceived = 0;
          this.h.log.notice(`Full resync from master: ${this.replid}:${this.offset}`);
          return true;
        }
        if (line.startsWith("+CONTINUE")) {
          const id = line.split(" ")[1];
          const changed = id !== undefined && id !== this.replid ? id : null;
          if (changed !== null) this.replid = changed;
          this.h.onContinue(changed);
          this.h.log.notice("Successful partial resynchronization with master.");
          this.becomeConnected();
          return true;
        }
        return this.abort(`Unexpected reply to PSYNC from master: ${line}`);
      }
    }
    return false;
  }

  private sendListeningPort(): void {
    this.handshakeStep = 2;
    this.send(["REPLCONF", "listening-port", String(this.h.config.getInt("replica-announce-port") || this.h.port)]);
  }

  private abort(msg: string): boolean {
    this.h.log.warning(msg);
    this.sock?.terminate();
    return false;
  }

  /** RDB payload reception. Returns true when it completed and processing should continue. */
  private receiveRdb(): boolean {
    if (this.syncExpected === -2) {
      // Skip newline keep-alives, then read the `$...` header line.
      let i = 0;
      while (i < this.inbuf.length && this.inbuf[i] === 10) i++;
      this.inbuf = this.inbuf.subarray(i);
      const line = this.takeLine();
      if (line === null) return false;
      if (!line.startsWith("$")) return this.abort(`Bad protocol from MASTER, the first byte is not '$' (we received '${line}'), are you sure the host and port are right?`);
      if (line.startsWith("$EOF:")) {
        this.eofMark = enc.encode(line.slice(5));
        this.syncExpected = -1;
      } else this.syncExpected = Number(line.slice(1));
    }
    const data = this.inbuf;
    this.inbuf = new Uint8Array(0);
    if (this.syncExpected >= 0) {
      const need = this.syncExpected - this.syncReceived;
      const take = data.subarray(0, Math.min(need, data.length));
      this.rdbChunks.push(take.slice());
      this.syncReceived += take.length;
      if (this.syncReceived < this.syncExpected) return false;
      this.finishSync(data.subarray(take.length));
      return true;
    }
    // EOF-marked: the payload ends with the 40-byte mark. Search only the new bytes plus the
    // last mark-length bytes before them (the mark may straddle chunks): linear in the payload.
    const mark = this.eofMark!;
    const tail = this.eofTail;
    const win = tail.length === 0 ? data : concat([tail, data]);
    const idx = Buffer.from(win.buffer, win.byteOffset, win.length).indexOf(mark);
    if (idx < 0) {
      this.rdbChunks.push(data.slice());
      this.syncReceived += data.length;
      this.eofTail = win.slice(Math.max(0, win.length - mark.length));
      return false;
    }
    const cut = idx - tail.length; // where the mark starts in `data` (< 0: in earlier chunks)
    if (cut >= 0) this.rdbChunks.push(data.slice(0, cut));
    else dropLast(this.rdbChunks, -cut);
    this.syncReceived += cut;
    this.eofTail = EMPTY;
    this.finishSync(data.subarray(cut + mark.length));
    return true;
  }

  private finishSync(rest: Uint8Array): void {
    const rdb = concat(this.rdbChunks);
    this.rdbChunks = [];
    this.h.log.notice(`MASTER <-> REPLICA sync: receiving ${rdb.length} bytes from master`);
    try {
      this.h.loadRdb(rdb);
    } catch (e) {
      this.abort(`Failed trying to load the MASTER synchronization DB from socket: ${e instanceof Error ? e.message : e}`);
      return;
    }
    this.h.onFullSync(this.replid, this.offset);
    this.h.log.notice("MASTER <-> REPLICA sync: Finished with success");
    this.becomeConnected();
    if (rest.length > 0) this.onStream(rest);
  }

  private becomeConnected(): void {
    this.state = "connected";
    this.unforwarded = EMPTY;
    this.parsedOffset = this.forwardedOffset = this.offset;
    this.h.onLinkUp(this.sock);
    this.readOffset = this.offset;
    this.reader = new RespReader({ maxBulkLen: MAX_BULK, queryBufferLimit: MAX_BULK });
    this.reader.fromPrimary = true;
    const rest = this.inbuf;
    this.inbuf = new Uint8Array(0);
    this.send(["REPLCONF", "ACK", String(this.offset)]);
    if (rest.length > 0) this.onStream(rest);
  }

  /**
   * Apply stream bytes. Every complete command advances the applied offset by its exact size,
   * except inside MULTI: there the offset stays before the MULTI until EXEC (as in Redis), so a
   * link lost mid-transaction resumes from before it and the primary resends all of it.
   */
  private onStream(d: Uint8Array): void {
    this.readOffset += d.length;
    const r = this.reader;
    // Bytes of an unfinished command are pending in the reader.
    const base = this.parsedOffset;
    const total = r.pending + d.length;
    r.feed(d);
    for (;;) {
      const st = r.next();
      if (st === READ_COMMAND) {
        this.parsedOffset = base + (total - r.pending);
        const argv = r.argv;
        // GETACK is answered with the offset before it, as Redis does.
        if (isGetAck(argv)) this.send(["REPLCONF", "ACK", String(this.offset)]);
        else this.h.applyCommand(argv);
        if (!this.h.inTransaction()) this.offset = this.parsedOffset;
      } else if (st === READ_NEED_MORE) break;
      else {
        this.abort(`Protocol error from master: ${r.error}`);
        break;
      }
    }
    r.release();
    this.forwardApplied(d);
  }

  /**
   * Forward to our own replicas and backlog only the bytes of applied commands (Redis feeds its
   * sub-replicas what it applied): if the link drops inside a command or a transaction, the
   * primary resends it from our offset, and a part of it already in our backlog would corrupt
   * the history. `unforwarded` holds the received bytes past `forwardedOffset`.
   */
  private forwardApplied(d: Uint8Array): void {
    let src = d;
    if (this.unforwarded.length > 0) {
      src = new Uint8Array(this.unforwarded.length + d.length);
      src.set(this.unforwarded);
      src.set(d, this.unforwarded.length);
    }
    const n = this.offset - this.forwardedOffset;
    if (n > 0) this.h.forward(src.subarray(0, n));
    this.forwardedOffset = this.offset;
    this.unforwarded = n < src.length ? src.slice(n) : EMPTY;
  }
}

function isGetAck(argv: Uint8Array[]): boolean {
  if (argv.length < 2) return false;
  const a = dec.decode(argv[0]!).toLowerCase();
  const b = dec.decode(argv[1]!).toLowerCase();
  return a === "replconf" && b === "getack";
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Remove the last `n` bytes held in `chunks`. */
function dropLast(chunks: Uint8Array[], n: number): void {
  while (n > 0 && chunks.length > 0) {
    const last = chunks[chunks.length - 1]!;
    if (last.length <= n) {
      chunks.pop();
      n -= last.length;
    } else {
      chunks[chunks.length - 1] = last.subarray(0, last.length - n);
      n = 0;
    }
  }
}
