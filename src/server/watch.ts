/**
 * WATCHed keys (optimistic locking for MULTI/EXEC), with Redis 7.0's semantics:
 * - any change to a watched key (write, delete, expiry deletion, flush or swap of its database
 *   while it exists) marks the watching clients CF_DIRTY_CAS, and EXEC then fails;
 * - a watched key that is logically expired at EXEC time counts as changed, even if nothing
 *   touched it;
 * - a key that was already expired when WATCHed is not "changed" by its deletion (the `expired`
 *   flag absorbs that one deletion), only by a later write.
 *
 * Layout: one byte-keyed Dict per database id (created on first WATCH in that db) mapping a key
 * to its watchers, and a list per client. `count` is the number of watched (db, key) pairs: the
 * keyspace hooks return at once when it is 0, so unwatched traffic pays one comparison.
 */
import { Dict, hashBytes, type DictEntry } from "../datastructures/dict.ts";
import type { Database } from "../store/database.ts";
import { CF_DIRTY_CAS, type Client } from "./client.ts";
import type { Server } from "./server.ts";

/** One key watched by one client. */
export interface WatchedKey {
  readonly dbid: number;
  readonly entry: WatchEntry;
  /** The key was logically expired (but not yet deleted) when WATCHed. */
  expired: boolean;
}

class WatchEntry implements DictEntry {
  next: WatchEntry | null = null;
  readonly watchers = new Map<Client, WatchedKey>();
  constructor(
    public key: Uint8Array,
    public hash: number,
  ) {}
}

export class WatchTable {
  private readonly byDb: (Dict<WatchEntry> | undefined)[] = [];
  /** Watched (db, key) pairs over all databases. */
  count = 0;

  constructor(private readonly server: Server) {}

  /** WATCH one key in `db` for `c`. */
  watch(c: Client, db: Database, key: Uint8Array): void {
    let dict = this.byDb[db.id];
    if (dict === undefined) dict = this.byDb[db.id] = new Dict<WatchEntry>();
    const h = hashBytes(key);
    let e = dict.find(key, h);
    if (e === null) {
      e = new WatchEntry(key.slice(), h);
      dict.insert(e);
      this.count++;
    } else if (e.watchers.has(c)) return;
    const live = db.dict.find(key, h);
    const wk: WatchedKey = { dbid: db.id, entry: e, expired: live !== null && db.isExpired(live) };
    e.watchers.set(c, wk);
    (c.watched ??= []).push(wk);
  }

  /** UNWATCH (also after EXEC/DISCARD and on disconnect). */
  unwatchAll(c: Client): void {
    const list = c.watched;
    if (list === null) return;
    c.watched = null;
    for (const wk of list) {
      const e = wk.entry;
      e.watchers.delete(c);
      if (e.watchers.size === 0) {
        this.byDb[wk.dbid]?.delete(e.key, e.hash);
        this.count--;
      }
    }
  }

  /** Redis's touchWatchedKey: a key changed (store hook, after the change). */
  touch(db: Database, key: Uint8Array): void {
    if (this.count === 0) return;
    const dict = this.byDb[db.id];
    if (dict === undefined || dict.size === 0) return;
    const e = dict.get(key);
    if (e === null) return;
    for (const [c, wk] of e.watchers) {
      if (wk.expired) {
        // Deleting a key that was already expired when watched is no logical change.
        if (db.dict.find(e.key, e.hash) === null) {
          wk.expired = false;
          continue;
        }
      }
      this.dirty(c);
    }
  }

  /**
   * Redis's touchAllWatchedKeysInDb, called BEFORE database `dbid` is emptied (other = -1) or
   * swapped with `other`: watched keys that exist in either database are changed.
   */
  touchDb(dbid: number, other = -1): void {
    if (this.count === 0) return;
    const dict = this.byDb[dbid];
    if (dict === undefined || dict.size === 0) return;
    const dbs = this.server.ks.dbs;
    const db = dbs[dbid];
    const od = other >= 0 ? dbs[other] : undefined;
    if (db === undefined) return;
    const hits: WatchEntry[] = [];
    dict.forEach((e) => hits.push(e));
    for (const e of hits) {
      const inOther = od !== undefined && od.dict.find(e.key, e.hash) !== null;
      if (db.dict.find(e.key, e.hash) === null && !inOther) continue;
      for (const [c, wk] of e.watchers) {
        if (wk.expired && !inOther) {
          wk.expired = false;
          continue;
        }
        this.dirty(c);
      }
    }
  }

  /** EXEC-time check: a watched key (live when watched) is now logically expired. */
  anyExpired(c: Client): boolean {
    const list = c.watched;
    if (list === null) return false;
    const dbs = this.server.ks.dbs;
    for (const wk of list) {
      if (wk.expired) continue;
      const db = dbs[wk.dbid];
      const live = db?.dict.find(wk.entry.key, wk.entry.hash) ?? null;
      if (live !== null && db!.isExpired(live)) return true;
    }
    return false;
  }

  /** Mark dirty and drop its watches: nothing it watches can matter any more. */
  private dirty(c: Client): void {
    c.flags |= CF_DIRTY_CAS;
    this.unwatchAll(c);
  }
}
