/**
 * Append-only file, in Redis 7.0's multi-part layout: `<appenddirname>/` holds a base file
 * (`<name>.<seq>.base.rdb`, an RDB image, or `.base.aof` with aof-use-rdb-preamble no), the
 * incremental files (`<name>.<seq>.incr.aof`, RESP commands), and the manifest
 * (`<name>.manifest`, lines `file <f> seq <n> type b|i|h`), replaced atomically.
 *
 * Writing: propagated commands are encoded into a buffer (SELECT when the database changes) and
 * written through a `Bun.file(fd).writer()` FileSink before replies go out:
 * - `always`: replies wait until the buffer is written and fsynced; the replies of every client
 *   served in the same event-loop turn share one fsync (group commit);
 * - `everysec`: written before replying, fsynced in the background once a second;
 * - `no`: written before replying, fsync left to the OS.
 * Rewrite (BGREWRITEAOF, automatic, CONFIG SET appendonly yes): open a new incr file, then run
 * a fork-less snapshot into a temp base; when it completes, the manifest names the new base and
 * the incr files opened since, and the old files are deleted. A crash in between leaves the
 * previous manifest, which still names every file needed.
 */
import type { FileSink } from "bun";
import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Keyspace } from "../store/database.ts";
import type { AuxInfo } from "./rdb/save.ts";
import { Snapshot } from "./snapshot.ts";

export type FsyncPolicy = "always" | "everysec" | "no";

export interface ManifestFile {
  name: string;
  seq: number;
  type: "b" | "i" | "h";
}

export interface AofHost {
  ks: Keyspace;
  clock(): number;
  config: { get(name: string): string; getInt(name: string): number; getBool(name: string): boolean };
  log: { notice(m: string): void; warning(m: string): void };
  aux(): AuxInfo;
}

const enc = new TextEncoder();

/** Decimal digits of a non-negative integer. */
function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

function putInt(buf: Uint8Array, o: number, n: number): number {
  const len = digits(n);
  for (let i = o + len - 1; i >= o; i--) {
    buf[i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return o + len;
}

/** Encode a command as a RESP multibulk, in one allocation. */
export function encodeCommand(argv: readonly Uint8Array[]): Uint8Array {
  let size = 3 + digits(argv.length);
  for (let i = 0; i < argv.length; i++) {
    const n = argv[i]!.length;
    size += 5 + digits(n) + n;
  }
  const buf = new Uint8Array(size);
  buf[0] = 0x2a;
  let o = putInt(buf, 1, argv.length);
  buf[o++] = 13;
  buf[o++] = 10;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    buf[o++] = 0x24;
    o = putInt(buf, o, a.length);
    buf[o++] = 13;
    buf[o++] = 10;
    buf.set(a, o);
    o += a.length;
    buf[o++] = 13;
    buf[o++] = 10;
  }
  return buf;
}

export function parseManifest(text: string): ManifestFile[] {
  const out: ManifestFile[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const words = splitManifestLine(line);
    const rec: Partial<ManifestFile> = {};
    for (let i = 0; i + 1 < words.length; i += 2) {
      const k = words[i]!;
      const v = words[i + 1]!;
      if (k === "file") rec.name = v;
      else if (k === "seq") rec.seq = Number(v);
      else if (k === "type") rec.type = v as ManifestFile["type"];
    }
    if (rec.name === undefined || rec.seq === undefined || !Number.isInteger(rec.seq) || (rec.type !== "b" && rec.type !== "i" && rec.type !== "h")) {
      throw new Error(`Invalid AOF manifest file format: '${line}'`);
    }
    out.push(rec as ManifestFile);
  }
  return out;
}

function splitManifestLine(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]!);
  return out;
}

function manifestLine(f: ManifestFile): string {
  const name = /[\s"\\]/.test(f.name) ? `"${f.name.replace(/(["\\])/g, "\\$1")}"` : f.name;
  return `file ${name} seq ${f.seq} type ${f.type}\n`;
}

export class Aof {
  enabled = false;
  policy: FsyncPolicy = "everysec";
  /** Files named by the manifest, in order: base first, then incr files. */
  files: ManifestFile[] = [];
  private fd = -1;
  private sink: FileSink | null = null;
  private selectedDb = -1;
  private chunks: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Replies held until the next group fsync (appendfsync always). */
  private held: { write(b: Uint8Array): void; bytes: Uint8Array }[] = [];
  private flushScheduled = false;
  private fsyncTimer: ReturnType<typeof setInterval> | null = null;
  private fsyncInFlight = false;
  lastFsync = 0;
  /** Size of the current incr file (for auto rewrite and INFO). */
  currentSize = 0;
  /** Size of the base plus incr files after the last rewrite or load (auto-aof-rewrite). */
  baseSize = 0;
  rewrite: Snapshot | null = null;
  rewriteScheduled = false;
  lastRewriteOk = true;
  lastRewriteSeconds = -1;
  rewriteStartedAt = 0;
  lastWriteOk = true;
  rewrites = 0;

  constructor(private readonly host: AofHost) {}

  get dir(): string {
    const d = this.host.config.get("dir");
    return join(d === "" ? process.cwd() : d, this.host.config.get("appenddirname"));
  }

  private get baseName(): string {
    return this.host.config.get("appendfilename");
  }

  private get manifestPath(): string {
    return join(this.dir, `${this.baseName}.manifest`);
  }

  /** True when replies must wait for this turn's AOF flush. */
  get pending(): boolean {
    return this.pendingBytes > 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Feeding

  /** The propagation subscriber: append one command for database `dbid`. */
  feed(dbid: number, argv: Uint8Array[]): void {
    if (!this.enabled) return;
    if (dbid !== this.selectedDb) {
      this.push(encodeCommand([enc.encode("SELECT"), enc.encode(String(dbid))]));
      this.selectedDb = dbid;
    }
    this.push(encodeCommand(argv));
  }

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.pendingBytes += b.length;
  }

  /**
   * Called by the server instead of writing a client's replies while AOF output is pending:
   * under `always` the reply is held until the group fsync; otherwise the buffer is written now
   * and the reply goes out.
   */
  beforeReply(client: { write(b: Uint8Array): void }, bytes: Uint8Array): void {
    if (this.policy !== "always") {
      this.flush();
      client.write(bytes);
      return;
    }
    this.held.push({ write: (b) => client.write(b), bytes: bytes.slice() });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.groupCommit());
    }
  }

  private groupCommit(): void {
    this.flushScheduled = false;
    this.flush();
    const held = this.held;
    this.held = [];
    for (const h of held) h.write(h.bytes);
  }

  /** Write the buffer (and fsync under `always`). */
  flush(): void {
    if (this.pendingBytes === 0 || this.sink === null) return;
    const sink = this.sink;
    for (const c of this.chunks) sink.write(c);
    sink.flush();
    this.currentSize += this.pendingBytes;
    this.chunks = [];
    this.pendingBytes = 0;
    if (this.policy === "always") {
      fsyncSync(this.fd);
      this.lastFsync = this.host.clock();
    }
  }

  /** Background fsync once a second (everysec). */
  private everysec(): void {
    if (this.policy !== "everysec" || this.fd < 0 || this.fsyncInFlight) return;
    this.flush();
    this.fsyncInFlight = true;
    const fd = this.fd;
    fsync(fd, () => {
      this.fsyncInFlight = false;
      this.lastFsync = this.host.clock();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Files

  private openIncr(name: string): void {
    this.closeIncr();
    const path = join(this.dir, name);
    this.fd = openSync(path, "a");
    this.sink = Bun.file(this.fd).writer({ highWaterMark: 1 << 20 });
    this.currentSize = existsSync(path) ? statSync(path).size : 0;
    this.selectedDb = -1;
  }

  private closeIncr(): void {
    if (this.sink !== null) {
      this.flush();
      this.sink.flush();
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.sink = null;
      this.fd = -1;
    }
  }

  private writeManifest(files: ManifestFile[]): void {
    const tmp = join(this.dir, `temp-${this.baseName}.manifest`);
    const fd = openSync(tmp, "w");
    writeSync(fd, files.map(manifestLine).join(""));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.manifestPath);
    this.files = files;
  }

  private nextSeq(type: "b" | "i"): number {
    let seq = 0;
    for (const f of this.files) if ((type === "b" ? f.type === "b" : f.type !== "b") && f.seq > seq) seq = f.seq;
    return seq + 1;
  }

  /** Read the manifest (null when there is none). */
  readManifest(): ManifestFile[] | null {
    if (!existsSync(this.manifestPath)) return null;
    return parseManifest(readFileSync(this.manifestPath, "utf8"));
  }

  /** After loading at start-up: open the last incr file for appending (creating one if needed). */
  startAppending(files: ManifestFile[]): void {
    this.files = files;
    this.applyPolicy();
    const incrs = files.filter((f) => f.type === "i");
    if (incrs.length === 0) {
      const name = `${this.baseName}.${this.nextSeq("i")}.incr.aof`;
      this.writeManifest([...files, { name, seq: this.nextSeq("i"), type: "i" }]);
      this.host.log.notice(`Creating AOF incr file ${name} on server start`);
      this.openIncr(name);
    } else this.openIncr(incrs[incrs.length - 1]!.name);
    this.enabled = true;
    this.baseSize = this.totalSize();
  }

  /** Start-up with AOF on and no AOF yet: create a base from the current data and an incr file. */
  createFresh(): void {
    mkdirSync(this.dir, { recursive: true });
    const base = `${this.baseName}.1.base.${this.host.config.getBool("aof-use-rdb-preamble") ? "rdb" : "aof"}`;
    this.writeBaseSync(base);
    this.host.log.notice(`Creating AOF base file ${base} on server start`);
    const incr = `${this.baseName}.1.incr.aof`;
    this.writeManifest([
      { name: base, seq: 1, type: "b" },
      { name: incr, seq: 1, type: "i" },
    ]);
    this.host.log.notice(`Creating AOF incr file ${incr} on server start`);
    this.applyPolicy();
    this.openIncr(incr);
    this.enabled = true;
    this.baseSize = this.totalSize();
  }

  private writeBaseSync(name: string): void {
    const tmp = join(this.dir, `temp-rewriteaof-${process.pid}.aof`);
    const fd = openSync(tmp, "w");
    new Snapshot(this.host.ks, {
      sink: (c) => {
        let o = 0;
        while (o < c.length) o += writeSync(fd, c, o);
      },
      aux: { ...this.host.aux(), aofBase: true },
      compress: this.host.config.getBool("rdbcompression"),
    }).runSync();
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(this.dir, name));
  }

  applyPolicy(): void {
    this.policy = this.host.config.get("appendfsync") as FsyncPolicy;
    if (this.fsyncTimer === null) this.fsyncTimer = setInterval(() => this.everysec(), 1000);
  }

  totalSize(): number {
    let n = 0;
    for (const f of this.files) {
      const p = join(this.dir, f.name);
      if (existsSync(p)) n += statSync(p).size;
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Rewrite

  /** BGREWRITEAOF: returns an error text, or null when started. */
  startRewrite(): string | null {
    if (this.rewrite !== null) return "ERR Background append only file rewriting already in progress";
    if (this.host.ks.snapshotHook !== null) {
      this.rewriteScheduled = true;
      return null;
    }
    mkdirSync(this.dir, { recursive: true });
    // 1. New writes go to a new incr file. When AOF is on, the manifest names it together with
    //    the old files at once; when it is being switched on, only once the base exists.
    const incrSeq = this.nextSeq("i");
    const incr = `${this.baseName}.${incrSeq}.incr.aof`;
    if (this.enabled) {
      this.flush();
      this.writeManifest([...this.files, { name: incr, seq: incrSeq, type: "i" }]);
      this.openIncr(incr);
      this.host.log.notice(`Creating AOF incr file ${incr} on background rewrite`);
    } else if (this.enabling) {
      this.applyPolicy();
      this.openIncr(incr);
      this.enabled = true;
    }
    // 2. A point-in-time snapshot of this instant becomes the new base.
    const baseSeq = this.nextSeq("b");
    const base = `${this.baseName}.${baseSeq}.base.${this.host.config.getBool("aof-use-rdb-preamble") ? "rdb" : "aof"}`;
    const tmp = join(this.dir, `temp-rewriteaof-bg-${process.pid}.aof`);
    const fd = openSync(tmp, "w");
    let snap: Snapshot;
    try {
      snap = new Snapshot(this.host.ks, {
        sink: (c) => {
          let o = 0;
          while (o < c.length) o += writeSync(fd, c, o);
        },
        aux: { ...this.host.aux(), aofBase: true },
        compress: this.host.config.getBool("rdbcompression"),
      });
    } catch (e) {
      closeSync(fd);
      return `ERR ${e instanceof Error ? e.message : e}`;
    }
    this.rewrite = snap;
    this.rewriteStartedAt = this.host.clock();
    this.host.log.notice("Background append only file rewriting started");
    snap.runInBackground().then(
      () => {
        fsyncSync(fd);
        closeSync(fd);
        renameSync(tmp, join(this.dir, base));
        const old = this.files;
        const keep: ManifestFile[] = [{ name: base, seq: baseSeq, type: "b" }];
        if (this.enabling) keep.push({ name: incr, seq: incrSeq, type: "i" });
        else if (this.enabled) for (const f of old) if (f.type === "i" && f.seq >= incrSeq) keep.push(f);
        this.enabling = false;
        this.writeManifest(keep);
        for (const f of old) if (!keep.some((k) => k.name === f.name)) this.removeFile(f.name);
        this.rewrite = null;
        this.lastRewriteOk = true;
        this.rewrites++;
        this.lastRewriteSeconds = Math.round((this.host.clock() - this.rewriteStartedAt) / 1000);
        this.baseSize = this.totalSize();
        this.host.log.notice("Background AOF rewrite finished successfully");
      },
      (e) => {
        try {
          closeSync(fd);
          unlinkSync(tmp);
        } catch {}
        this.rewrite = null;
        this.lastRewriteOk = false;
        this.host.log.warning(`Background AOF rewrite failed: ${e instanceof Error ? e.message : e}`);
      },
    );
    return null;
  }

  private removeFile(name: string): void {
    this.host.log.notice(`Removing the history file ${name} in the background`);
    try {
      unlinkSync(join(this.dir, name));
    } catch {}
  }

  // ---------------------------------------------------------------------------------------------
  // Switching on and off at run time (CONFIG SET appendonly)

  private enabling = false;

  /** CONFIG SET appendonly yes: rewrite first, then append (as Redis does). */
  enable(): string | null {
    if (this.enabled || this.enabling) return null;
    this.enabling = true;
    this.files = this.readManifest() ?? [];
    return this.startRewrite();
  }

  /** CONFIG SET appendonly no. */
  disable(): void {
    this.closeIncr();
    this.enabled = false;
    this.enabling = false;
    if (this.rewrite !== null) this.rewrite.abort("AOF disabled");
  }

  /** From cron: automatic rewrite when the AOF grew past the configured percentage. */
  cron(): void {
    if (this.rewriteScheduled && this.host.ks.snapshotHook === null) {
      this.rewriteScheduled = false;
      this.startRewrite();
      return;
    }
    if (!this.enabled || this.rewrite !== null || this.host.ks.snapshotHook !== null) return;
    const pct = this.host.config.getInt("auto-aof-rewrite-percentage");
    const min = this.host.config.getInt("auto-aof-rewrite-min-size");
    const size = this.baseSize + this.currentSize;
    if (pct > 0 && size > min) {
      const base = Math.max(1, this.baseSize);
      if (((size - base) * 100) / base >= pct) {
        this.host.log.notice(`Starting automatic rewriting of AOF on ${Math.round(((size - base) * 100) / base)}% growth`);
        this.startRewrite();
      }
    }
  }

  /** Flush, fsync and close (shutdown). */
  close(): void {
    if (this.fsyncTimer !== null) clearInterval(this.fsyncTimer);
    this.fsyncTimer = null;
    this.closeIncr();
  }
}
