/**
 * Fork-less, consistent point-in-time snapshots (Dragonfly's model, since Bun cannot fork).
 *
 * Starting a snapshot bumps the keyspace's epoch and captures each database's dict. The walker
 * then serializes every entry whose `snap` is older than the epoch, in time slices from the
 * event loop (clients are served between slices). Before a write changes or removes an entry
 * the walk has not reached, the store calls `snapshotHook`, which serializes the old state
 * first; entries created after the start carry the new epoch and are skipped. FLUSHDB replaces a
 * database's dict, and SWAPDB swaps them, so the captured dicts keep the starting image.
 * One mechanism serves BGSAVE, AOF rewrite and replicas' full sync.
 *
 * Keys written by copy-before-write come out of walk order, each preceded by SELECTDB when the
 * database changes: RDB loaders accept any order.
 */
import type { Dict } from "../datastructures/dict.ts";
import type { Database, Keyspace } from "../store/database.ts";
import type { KeyEntry } from "../store/value.ts";
import { writeFooter, writeHeader, writeKey, writeSelectDb, type AuxInfo, type KeyMeta } from "./rdb/save.ts";
import { RdbWriter, type ChunkSink } from "./rdb/writer.ts";
import * as F from "./rdb/format.ts";

export interface SnapshotOptions {
  sink: ChunkSink;
  aux: AuxInfo;
  compress?: boolean;
  checksum?: boolean;
  meta?: KeyMeta;
  /** Longest a walk slice may run, in ms. */
  sliceMs?: number;
}

export interface SnapshotStats {
  keys: number;
  bytes: number;
  /** Keys written by copy-before-write. */
  cowKeys: number;
  slices: number;
  longestSliceMs: number;
  durationMs: number;
}

export class Snapshot {
  readonly epoch: number;
  private readonly dicts: Dict<KeyEntry>[];
  private readonly dbIds = new Map<Dict<KeyEntry>, number>();
  private readonly w: RdbWriter;
  private curDb = -1;
  private dbIndex = 0;
  private cursor = 0;
  private started = false;
  finished = false;
  private readonly meta: KeyMeta;
  private readonly sliceMs: number;
  private readonly t0 = performance.now();
  readonly stats: SnapshotStats = { keys: 0, bytes: 0, cowKeys: 0, slices: 0, longestSliceMs: 0, durationMs: 0 };
  private resolveDone!: (s: SnapshotStats) => void;
  private rejectDone!: (e: Error) => void;
  /** Settles when the snapshot is complete (or failed). */
  readonly done: Promise<SnapshotStats>;
  private aborted = false;

  constructor(
    private readonly ks: Keyspace,
    opts: SnapshotOptions,
  ) {
    if (ks.snapshotHook !== null) throw new Error("a snapshot is already in progress");
    this.epoch = ++ks.snapEpoch;
    this.dicts = ks.dbs.map((db) => db.dict);
    this.dicts.forEach((d, i) => this.dbIds.set(d, i));
    this.w = new RdbWriter(opts.sink);
    this.w.compress = opts.compress ?? true;
    this.w.checksum = opts.checksum ?? true;
    this.meta = opts.meta ?? "none";
    this.sliceMs = opts.sliceMs ?? 2;
    this.done = new Promise((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
    this.done.catch(() => {});
    ks.snapshotHook = (db, e) => this.copyBeforeWrite(db, e);
    writeHeader(this.w, opts.aux);
  }

  /** Run the whole walk now, synchronously (SAVE, DEBUG RELOAD, DUMP-like uses). */
  runSync(): SnapshotStats {
    while (!this.finished) this.step(Infinity);
    return this.stats;
  }

  /** Run the walk in slices scheduled on the event loop. */
  runInBackground(): Promise<SnapshotStats> {
    if (!this.started) {
      this.started = true;
      const tick = () => {
        if (this.aborted) return;
        try {
          this.step(this.sliceMs);
        } catch (e) {
          this.fail(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        if (!this.finished) setImmediate(tick);
      };
      setImmediate(tick);
    }
    return this.done;
  }

  /** Stop without finishing (the output is incomplete; the caller discards it). */
  abort(reason = "aborted"): void {
    if (this.finished) return;
    this.aborted = true;
    this.fail(new Error(reason));
  }

  private fail(e: Error): void {
    this.finished = true;
    this.release();
    this.rejectDone(e);
  }

  private release(): void {
    if (this.ks.snapshotHook !== null) this.ks.snapshotHook = null;
  }

  /** Serialize `e`'s current (pre-write) state if the walk has not reached it yet. */
  private copyBeforeWrite(db: Database, e: KeyEntry): void {
    if (e.snap >= this.epoch) return;
    const id = this.dbIds.get(db.dict);
    if (id === undefined) return; // a dict created after the start holds only new entries
    this.emit(id, e);
    this.stats.cowKeys++;
  }

  private emit(dbId: number, e: KeyEntry): void {
    if (this.curDb !== dbId) {
      this.w.byte(F.OP_SELECTDB);
      this.w.length(dbId);
      this.curDb = dbId;
    }
    e.snap = this.epoch;
    writeKey(this.w, e, this.meta, this.ks.lruClock);
    this.stats.keys++;
  }

  /** Walk for at most `ms` milliseconds (one slice; tests call it directly to interleave writes). */
  step(ms: number): void {
    const start = performance.now();
    const until = start + ms;
    let n = 0;
    while (this.dbIndex < this.dicts.length) {
      const dict = this.dicts[this.dbIndex]!;
      if (this.cursor === 0 && !this.enteredDb) {
        this.enteredDb = true;
        if (dict.size > 0) {
          writeSelectDb(this.w, this.dbIndex, dict.size, this.ks.dbs[this.dbIndex]?.expires ?? 0);
          this.curDb = this.dbIndex;
        }
      }
      if (dict.size > 0) {
        this.cursor = dict.scan(this.cursor, (e) => {
          if (e.snap < this.epoch) this.emit(this.dbIndex, e);
        });
      } else this.cursor = 0;
      if (this.cursor === 0) {
        this.dbIndex++;
        this.enteredDb = false;
      }
      if ((++n & 3) === 0 && performance.now() > until) break;
    }
    if (this.dbIndex >= this.dicts.length && !this.finished) {
      writeFooter(this.w);
      this.finished = true;
      this.release();
      this.stats.bytes = this.w.written;
      this.stats.durationMs = performance.now() - this.t0;
      this.resolveDone(this.stats);
    }
    const took = performance.now() - start;
    this.stats.slices++;
    if (took > this.stats.longestSliceMs) this.stats.longestSliceMs = took;
  }

  private enteredDb = false;
}
