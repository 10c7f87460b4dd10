/**
 * RDB persistence for the server: SAVE / BGSAVE (fork-less snapshot into a temp file, fsync,
 * atomic rename, so a crash mid-save never damages the previous file), save points
 * (`save <seconds> <changes>`) checked from cron, loading at start-up, and the INFO fields.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Keyspace } from "../store/database.ts";
import type { EncodingLimits } from "./rdb/codecs.ts";
import { loadRdbInto, type LoadResult } from "./rdb/load.ts";
import type { AuxInfo, KeyMeta } from "./rdb/save.ts";
import { Snapshot, type SnapshotStats } from "./snapshot.ts";

/** What the manager needs from the server (kept narrow so persistence does not import it). */
export interface PersistenceHost {
  ks: Keyspace;
  dirty: number;
  clock(): number;
  config: { get(name: string): string; getInt(name: string): number; getBool(name: string): boolean };
  log: { notice(m: string): void; warning(m: string): void };
  redisVersion: string;
  /** FUNCTION libraries' code to store in snapshots. */
  functionPayloads?(): Uint8Array[];
}

export class RdbManager {
  lastSave: number;
  lastSaveStatusOk = true;
  lastBgsaveStatusOk = true;
  lastBgsaveSeconds = -1;
  currentBgsave: Snapshot | null = null;
  bgsaveStartedAt = 0;
  /** BGSAVE SCHEDULE: run one when the current snapshot user finishes. */
  scheduled = false;
  dirtyAtSaveStart = 0;
  lastLoad: LoadResult | null = null;
  saves = 0;
  private lastSaveAttempt = 0;

  constructor(private readonly host: PersistenceHost) {
    this.lastSave = host.clock();
  }

  get path(): string {
    return join(this.dir, this.host.config.get("dbfilename"));
  }

  get dir(): string {
    const d = this.host.config.get("dir");
    return d === "" ? process.cwd() : d;
  }

  private limits(): EncodingLimits {
    return { get: (n) => this.host.config.getInt(n) };
  }

  private meta(): KeyMeta {
    const p = this.host.config.get("maxmemory-policy");
    return p.endsWith("lfu") ? "lfu" : p.endsWith("lru") ? "lru" : "none";
  }

  private aux(): AuxInfo {
    return { redisVersion: this.host.redisVersion, ctime: this.host.clock(), usedMem: process.memoryUsage().rss, functions: this.host.functionPayloads?.() };
  }

  /** Load the RDB file at start-up if it exists. Throws on corruption (the server refuses to start). */
  loadAtStartup(): LoadResult | null {
    const path = this.path;
    if (!existsSync(path)) return null;
    const t0 = performance.now();
    const bytes = new Uint8Array(readFileSync(path));
    const res = loadRdbInto(bytes, this.host.ks, this.limits(), { checksum: this.host.config.getBool("rdbchecksum"), now: this.host.clock() });
    this.lastLoad = res;
    this.host.log.notice(`DB loaded from disk: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
    return res;
  }

  /** Replace the keyspace contents with an RDB image (DEBUG RELOAD, replicas' full sync). */
  loadBytes(bytes: Uint8Array): LoadResult {
    this.host.ks.flushAll();
    return loadRdbInto(bytes, this.host.ks, this.limits(), { checksum: this.host.config.getBool("rdbchecksum"), now: this.host.clock() });
  }

  /** Open a temp file next to the target; returns the sink and a function to commit or drop it. */
  private openTemp(): { sink: (c: Uint8Array) => void; commit: () => void; drop: () => void } {
    const tmp = join(this.dir, `temp-${process.pid}-${Date.now()}.rdb`);
    const fd = openSync(tmp, "w");
    let closed = false;
    return {
      sink: (c) => {
        let off = 0;
        while (off < c.length) off += writeSync(fd, c, off);
      },
      commit: () => {
        fsyncSync(fd);
        closeSync(fd);
        closed = true;
        renameSync(tmp, this.path);
      },
      drop: () => {
        if (!closed) closeSync(fd);
        try {
          unlinkSync(tmp);
        } catch {}
      },
    };
  }

  private snapshotOptions(sink: (c: Uint8Array) => void) {
    return {
      sink,
      aux: this.aux(),
      compress: this.host.config.getBool("rdbcompression"),
      checksum: this.host.config.getBool("rdbchecksum"),
      meta: this.meta(),
    };
  }

  /** SAVE: synchronous. Returns an error message or null. */
  save(): string | null {
    if (this.currentBgsave !== null) return "ERR Background save already in progress";
    const f = this.openTemp();
    const dirty = this.host.dirty;
    try {
      new Snapshot(this.host.ks, this.snapshotOptions(f.sink)).runSync();
      f.commit();
    } catch (e) {
      f.drop();
      this.lastSaveStatusOk = false;
      this.host.log.warning(`Failed saving the DB: ${e instanceof Error ? e.message : e}`);
      return "ERR";
    }
    this.afterSave(dirty);
    this.host.log.notice("DB saved on disk");
    return null;
  }

  private afterSave(dirtyAtStart: number): void {
    this.host.dirty -= dirtyAtStart;
    this.lastSave = this.host.clock();
    this.lastSaveStatusOk = true;
    this.saves++;
  }

  /** True while any snapshot (BGSAVE, AOF rewrite, full sync) holds the keyspace's hook. */
  get snapshotBusy(): boolean {
    return this.host.ks.snapshotHook !== null;
  }

  /** BGSAVE: fork-less background snapshot. Resolves when done; rejects on failure. */
  bgsave(): Promise<SnapshotStats> {
    const f = this.openTemp();
    const dirty = this.host.dirty;
    let snap: Snapshot;
    try {
      snap = new Snapshot(this.host.ks, this.snapshotOptions(f.sink));
    } catch (e) {
      f.drop();
      return Promise.reject(e);
    }
    this.currentBgsave = snap;
    this.bgsaveStartedAt = this.host.clock();
    this.dirtyAtSaveStart = dirty;
    this.host.log.notice("Background saving started");
    return snap.runInBackground().then(
      (stats) => {
        try {
          f.commit();
        } catch (e) {
          this.failBgsave(f, e);
          throw e;
        }
        this.currentBgsave = null;
        this.lastBgsaveStatusOk = true;
        this.lastBgsaveSeconds = Math.round((this.host.clock() - this.bgsaveStartedAt) / 1000);
        this.afterSave(dirty);
        this.host.log.notice("Background saving terminated with success");
        return stats;
      },
      (e) => {
        this.failBgsave(f, e);
        throw e;
      },
    );
  }

  private failBgsave(f: { drop: () => void }, e: unknown): void {
    f.drop();
    this.currentBgsave = null;
    this.lastBgsaveStatusOk = false;
    this.host.log.warning(`Background saving error: ${e instanceof Error ? e.message : e}`);
  }

  /** Parsed `save` points: [seconds, changes][]. */
  savePoints(): [number, number][] {
    const words = this.host.config.get("save").trim().split(/\s+/).filter((w) => w !== "");
    const out: [number, number][] = [];
    for (let i = 0; i + 1 < words.length; i += 2) out.push([Number(words[i]), Number(words[i + 1])]);
    return out;
  }

  /** From cron: start a BGSAVE when a save point is reached (Redis's serverCron rule). */
  cron(): void {
    if (this.snapshotBusy) return;
    const now = this.host.clock();
    if (this.scheduled) {
      this.scheduled = false;
      this.bgsave().catch(() => {});
      return;
    }
    // After a failed BGSAVE Redis retries only after 5 seconds.
    if (!this.lastBgsaveStatusOk && now - this.lastSaveAttempt < 5000) return;
    for (const [secs, changes] of this.savePoints()) {
      if (this.host.dirty >= changes && now - this.lastSave > secs * 1000) {
        this.host.log.notice(`${changes} changes in ${secs} seconds. Saving...`);
        this.lastSaveAttempt = now;
        this.bgsave().catch(() => {});
        return;
      }
    }
  }
}
