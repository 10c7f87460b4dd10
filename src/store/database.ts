/**
 * The keyspace: databases of KeyEntry, lazy expiry on access, and the ring of expiring keys that
 * the active expiry cycle walks.
 *
 * Invariants:
 * - A key with an expiry is in `dict` and in the database's expiry ring (intrusive links on the
 *   entry); `expires` counts the ring. Keys without expiry are never in the ring.
 * - Lookups see the time cached in `Keyspace.now` (set once per command by the dispatcher, as
 *   Redis caches mstime per call), so one command sees one instant.
 * - On a replica (`Keyspace.replica`) logically expired keys are hidden from reads but not
 *   deleted: the primary's DEL removes them.
 * - The store never imports the server: expiry, modification and notification effects go
 *   through `StoreHooks`, which the server supplies.
 */
import { PackedKeyDict, hashBytes } from "../datastructures/dict.ts";
import { KeyEntry, NO_EXPIRE, OBJ_STRING, stringEncodingFor, type Collection, type ObjType, type Value } from "./value.ts";

/** Effects of keyspace changes that belong to upper layers (WATCH, notifications, propagation). */
export interface StoreHooks {
  /** A key was deleted because it expired (lazily or actively). */
  keyExpired(db: Database, key: Uint8Array): void;
  /** A key's value changed or was deleted (Redis's signalModifiedKey). */
  keyModified(db: Database, key: Uint8Array): void;
  /** A key was created (Redis's dbAdd → signalKeyAsReady, for blocked clients). */
  keyCreated(db: Database, key: Uint8Array): void;
}

/** Returned by typed lookups when the key holds another type. */
export const WRONGTYPE: unique symbol = Symbol("WRONGTYPE");
export type WrongType = typeof WRONGTYPE;

/** Redis's LFU_INIT_VAL: new keys start with this counter so they are not evicted at once. */
const LFU_INIT_VAL = 5;

const NOOP_HOOKS: StoreHooks = { keyExpired() {}, keyModified() {}, keyCreated() {} };

export class Keyspace {
  readonly dbs: Database[];
  /** Cached "now" in ms for the command being run. */
  now = Date.now();
  /** Replica mode: hide expired keys, never delete them on our own clock. */
  replica = false;
  hooks: StoreHooks = NOOP_HOOKS;
  /**
   * Fork-less snapshots: the current epoch and, while a snapshot is running, the hook that
   * serializes an entry's old state before a write changes or removes it (copy-before-write).
   */
  snapEpoch = 0;
  snapshotHook: ((db: Database, e: KeyEntry) => void) | null = null;
  stats = { hits: 0, misses: 0, expired: 0 };
  /**
   * Access tracking mode, mirrored from config by the server: under an LFU maxmemory-policy the
   * entry's `lru` field holds (minutes << 8 | log counter) instead of the seconds clock.
   */
  lfu = false;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  /** Redis's LRU clock in seconds, refreshed with `now`. */
  get lruClock(): number {
    return Math.floor(this.now / 1000) & 0xffffff;
  }

  /** Redis's LFUGetTimeInMinutes: minutes clock, 16 bits. */
  get lfuMinutes(): number {
    return Math.floor(this.now / 60000) & 0xffff;
  }

  /** `lru` value for a new key: the clock, or under LFU the initial counter (LFU_INIT_VAL 5). */
  initialLru(): number {
    return this.lfu ? (this.lfuMinutes << 8) | LFU_INIT_VAL : this.lruClock;
  }

  /** Record an access (Redis's lookupKey without LOOKUP_NOTOUCH): LRU clock or LFU counter. */
  touch(e: KeyEntry): void {
    if (!this.lfu) {
      e.lru = this.lruClock;
      return;
    }
    let counter = this.lfuDecayed(e);
    // Logarithmic increment: the higher the counter, the less likely another step.
    if (counter < 255) {
      const base = counter - LFU_INIT_VAL;
      const p = 1 / ((base < 0 ? 0 : base) * this.lfuLogFactor + 1);
      if (Math.random() < p) counter++;
    }
    e.lru = (this.lfuMinutes << 8) | counter;
  }

  /** The LFU counter after decay for the minutes elapsed since the last access (OBJECT FREQ). */
  lfuDecayed(e: KeyEntry): number {
    const last = e.lru >>> 8;
    const counter = e.lru & 255;
    if (this.lfuDecayTime === 0) return counter;
    const now = this.lfuMinutes;
    const elapsed = now >= last ? now - last : 65535 - last + now;
    const periods = Math.floor(elapsed / this.lfuDecayTime);
    return periods > counter ? 0 : counter - periods;
  }

  /** Seconds since the last access under LRU tracking (OBJECT IDLETIME), clock wrap included. */
  idleSeconds(e: KeyEntry): number {
    const clock = this.lruClock;
    return clock >= e.lru ? clock - e.lru : clock + (0xffffff - e.lru);
  }

  constructor(count: number) {
    this.dbs = [];
    for (let i = 0; i < count; i++) this.dbs.push(new Database(i, this));
  }

  totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }

  flushAll(): void {
    for (const db of this.dbs) db.flush();
  }

  /** Swap the contents of two databases (SWAPDB). Database objects keep their ids. */
  swap(a: number, b: number): void {
    const x = this.dbs[a]!;
    const y = this.dbs[b]!;
    const d = x.dict;
    x.dict = y.dict;
    y.dict = d;
    const r = x.ring;
    x.ring = y.ring;
    y.ring = r;
    const n = x.expires;
    x.expires = y.expires;
    y.expires = n;
    x.expCursor = null;
    y.expCursor = null;
  }
}

export class Database {
  dict = new PackedKeyDict<KeyEntry>();
  /** Head of the ring of entries with an expiry (any member; null when empty). */
  ring: KeyEntry | null = null;
  expires = 0;
  /** Where the active expiry cycle resumes. */
  expCursor: KeyEntry | null = null;

  constructor(
    public readonly id: number,
    public readonly ks: Keyspace,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  // ---------------------------------------------------------------------------------------------
  // Lookup

  /** True when the entry is logically expired at the cached time. */
  isExpired(e: KeyEntry): boolean {
    return e.expireAt !== NO_EXPIRE && e.expireAt <= this.ks.now;
  }

  /**
   * Find a live key, deleting it first if it has expired (Redis's expireIfNeeded). Does not
   * touch stats or access time: for writes and existence checks.
   */
  lookup(key: Uint8Array): KeyEntry | null {
    const e = this.dict.get(key);
    if (e === null) return null;
    if (e.expireAt !== NO_EXPIRE && e.expireAt <= this.ks.now) {
      if (!this.ks.replica) this.expireEntry(e);
      return null;
    }
    return e;
  }

  /** Lookup for a read command: hit/miss stats and access time, like lookupKeyRead. */
  lookupRead(key: Uint8Array): KeyEntry | null {
    const e = this.lookup(key);
    if (e === null) this.ks.stats.misses++;
    else {
      this.ks.stats.hits++;
      this.ks.touch(e);
    }
    return e;
  }

  /**
   * Lookup for commands that inspect a key without using it (TYPE, TTL, EXISTS, OBJECT, SCAN's
   * TYPE filter): hit/miss stats but no access-time update, like Redis's LOOKUP_NOTOUCH.
   */
  lookupReadNoTouch(key: Uint8Array): KeyEntry | null {
    const e = this.lookup(key);
    if (e === null) this.ks.stats.misses++;
    else this.ks.stats.hits++;
    return e;
  }

  /** Lookup for a write command: updates access time, no stats (lookupKeyWrite). */
  lookupWrite(key: Uint8Array): KeyEntry | null {
    const e = this.lookup(key);
    if (e !== null) {
      e.lru = this.ks.lruClock;
      if (this.ks.snapshotHook !== null && e.snap < this.ks.snapEpoch) this.ks.snapshotHook(this, e);
    }
    if (e !== null) this.ks.touch(e);
    return e;
  }

  /** Typed read lookup: the value, null when missing, WRONGTYPE when another type. */
  readTyped<T extends Value>(key: Uint8Array, type: ObjType): T | null | WrongType {
    const e = this.lookupRead(key);
    if (e === null) return null;
    return e.type === type ? (e.value as T) : WRONGTYPE;
  }

  /** Typed write lookup: the value, null when missing, WRONGTYPE when another type. */
  writeTyped<T extends Value>(key: Uint8Array, type: ObjType): T | null | WrongType {
    const e = this.lookupWrite(key);
    if (e === null) return null;
    return e.type === type ? (e.value as T) : WRONGTYPE;
  }

  // ---------------------------------------------------------------------------------------------
  // Mutation

  /** Add a key known to be absent (after lookup). The key bytes are copied. */
  add(key: Uint8Array, type: ObjType, value: Value, enc = 0): KeyEntry {
    const k = key.slice();
    const e = new KeyEntry(k, hashBytes(k), type, value, enc);
    e.lru = this.ks.lruClock;
    e.snap = this.ks.snapEpoch; // created after a running snapshot began: not part of it
    e.lru = this.ks.initialLru();
    this.dict.insert(e);
    this.ks.hooks.keyCreated(this, k);
    this.ks.hooks.keyModified(this, k);
    return e;
  }

  /**
   * Set a key to a value whatever it held before (Redis's setKey). The expiry is removed unless
   * `keepTtl`. Returns the entry.
   */
  set(key: Uint8Array, type: ObjType, value: Value, keepTtl = false, enc = type === OBJ_STRING ? stringEncodingFor(value as Uint8Array) : 0): KeyEntry {
    const e = this.lookupWrite(key);
    if (e === null) return this.add(key, type, value, enc);
    e.type = type;
    e.value = value;
    e.enc = enc;
    e.intValue = NaN;
    if (!keepTtl && e.expireAt !== NO_EXPIRE) this.removeExpire(e);
    this.ks.hooks.keyModified(this, e.key);
    return e;
  }

  /** Set a string value. */
  setString(key: Uint8Array, value: Uint8Array, keepTtl = false): KeyEntry {
    return this.set(key, OBJ_STRING, value, keepTtl, stringEncodingFor(value));
  }

  /** Delete a key (live or expired). Returns true when it existed and was live. */
  delete(key: Uint8Array): boolean {
    const e = this.lookup(key);
    if (e === null) return false;
    this.unlink(e);
    this.ks.hooks.keyModified(this, e.key);
    return true;
  }

  /** Remove an entry without checks (used after lookups and by expiry). */
  private unlink(e: KeyEntry): void {
    if (this.ks.snapshotHook !== null && e.snap < this.ks.snapEpoch) this.ks.snapshotHook(this, e);
    this.dict.delete(e.key, e.hash);
    if (e.expireAt !== NO_EXPIRE) this.ringRemove(e);
  }

  /** Delete an empty collection after a write emptied it (Redis deletes empty keys). */
  deleteIfEmpty(key: Uint8Array, coll: Collection): boolean {
    if (coll.size !== 0) return false;
    const e = this.dict.get(key);
    if (e === null) return false;
    this.unlink(e);
    return true;
  }

  /** Expire an entry now: delete it and tell the hooks (propagation, notification, WATCH). */
  expireEntry(e: KeyEntry): void {
    this.unlink(e);
    this.ks.stats.expired++;
    this.ks.hooks.keyExpired(this, e.key);
    this.ks.hooks.keyModified(this, e.key);
  }

  /** Drop every key (FLUSHDB); returns how many there were. */
  flush(): number {
    const n = this.dict.size;
    this.dict = new PackedKeyDict<KeyEntry>();
    this.ring = null;
    this.expires = 0;
    this.expCursor = null;
    return n;
  }

  // ---------------------------------------------------------------------------------------------
  // Expiry

  setExpire(e: KeyEntry, at: number): void {
    if (e.expireAt === NO_EXPIRE) this.ringInsert(e);
    e.expireAt = at;
  }

  removeExpire(e: KeyEntry): boolean {
    if (e.expireAt === NO_EXPIRE) return false;
    this.ringRemove(e);
    e.expireAt = NO_EXPIRE;
    return true;
  }

  private ringInsert(e: KeyEntry): void {
    const head = this.ring;
    if (head === null) {
      e.expPrev = e.expNext = e;
      this.ring = e;
    } else {
      const tail = head.expPrev!;
      e.expPrev = tail;
      e.expNext = head;
      tail.expNext = e;
      head.expPrev = e;
    }
    this.expires++;
  }

  private ringRemove(e: KeyEntry): void {
    const next = e.expNext!;
    if (next === e) {
      this.ring = null;
      this.expCursor = null;
    } else {
      const prev = e.expPrev!;
      prev.expNext = next;
      next.expPrev = prev;
      if (this.ring === e) this.ring = next;
      if (this.expCursor === e) this.expCursor = next;
    }
    e.expPrev = e.expNext = null;
    this.expires--;
  }

  /**
   * One slice of active expiry: walk up to `maxChecks` expiring keys from the saved cursor,
   * deleting the expired ones. Returns [checked, expired].
   */
  activeExpireSlice(maxChecks: number): [number, number] {
    if (this.ring === null || this.ks.replica) return [0, 0];
    let e = this.expCursor ?? this.ring;
    let checked = 0;
    let expired = 0;
    const now = this.ks.now;
    while (checked < maxChecks && this.ring !== null) {
      const next: KeyEntry = e.expNext!;
      checked++;
      if (e.expireAt <= now) {
        this.expireEntry(e);
        expired++;
        if (this.ring === null) break;
      }
      e = next === e ? this.ring : next;
    }
    this.expCursor = this.ring === null ? null : e;
    return [checked, expired];
  }

  /**
   * A random live key (RANDOMKEY), like Redis's dbRandomKey: expired picks are deleted and the
   * draw repeated (each retry removes a key, so this ends). On a replica expired keys are only
   * hidden; when every key has an expiry, give up after 100 tries and return the last pick, as
   * Redis does, rather than spin on a keyspace that is all logically expired.
   */
  randomKey(): KeyEntry | null {
    let tries = 100;
    for (;;) {
      const e = this.dict.random();
      if (e === null) return null;
      if (!this.isExpired(e)) return e;
      if (this.ks.replica) {
        if (this.expires === this.dict.size && --tries === 0) return e;
        continue;
      }
      this.expireEntry(e);
    }
  }
}
