/**
 * Client-side caching (CLIENT TRACKING), as Redis 7.0 does it.
 *
 * Default mode: after a read-only command, a tracking client's keys are remembered in one
 * server-wide table (key name → client ids; databases are not distinguished, as in Redis). When
 * a remembered key changes, every client that read it gets one invalidation and the key is
 * forgotten. BCAST mode: no table; clients subscribe to key prefixes and get, once per input
 * event, the sorted list of changed keys under each prefix.
 *
 * Delivery: RESP3 clients get `>2 invalidate [keys]` pushes; with REDIRECT the messages go to
 * another connection instead, as pushes when it speaks RESP3 or as `message` frames on
 * `__redis__:invalidate` when it is a RESP2 subscriber. A flush sends a null key list to every
 * tracking client and empties the table. Invalidations caused by a client's own command reach it
 * after that command's reply (`afterCommand`); NOLOOP skips them altogether.
 *
 * Ownership: table keys and prefixes are copies. Client ids (not references) are stored, so a
 * disconnected client costs nothing until its keys are invalidated.
 */
import { F_READONLY, commandKeys, type CommandSpec } from "../commands/spec.ts";
import { Dict, bytesEqual, hashBytes, type DictEntry } from "../datastructures/dict.ts";
import { encodeBulkAggregate } from "../pubsub/pubsub.ts";
import { CF_CLOSE_ASAP, CF_MULTI, CF_PUBSUB, CF_TRACKING, type Client } from "./client.ts";
import type { Server } from "./server.ts";

// ClientTracking.flags bits.
export { TR_BCAST, TR_BROKEN_REDIR, TR_CACHING, TR_NOLOOP, TR_OPTIN, TR_OPTOUT } from "../commands/client-flags.ts";
import { TR_BCAST, TR_BROKEN_REDIR, TR_CACHING, TR_NOLOOP, TR_OPTIN, TR_OPTOUT } from "../commands/client-flags.ts";

const enc = new TextEncoder();
const INVALIDATE = enc.encode("invalidate");
const MESSAGE = enc.encode("message");
const INVALIDATE_CHANNEL = enc.encode("__redis__:invalidate");
const REDIR_BROKEN = enc.encode("tracking-redir-broken");

/** Per-client tracking state (CF_TRACKING on the client says whether tracking is on). */
export class ClientTracking {
  flags = 0;
  /** Client id receiving this client's invalidations; 0 = itself. */
  redirect = 0;
  /** BCAST prefixes, by latin1 text. */
  readonly prefixes = new Map<string, Uint8Array>();
}

class TrackedKey implements DictEntry {
  next: TrackedKey | null = null;
  readonly ids = new Set<number>();
  constructor(
    public key: Uint8Array,
    public hash: number,
  ) {}
}

/** A BCAST prefix: its subscribers and the keys changed under it since the last broadcast. */
class BcastPrefix {
  readonly clients = new Set<Client>();
  /** Changed key (latin1) → [key bytes, the client that changed it first, or null]. */
  readonly keys = new Map<string, [Uint8Array, Client | null]>();
  constructor(readonly prefix: Uint8Array) {}
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > b.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** `>2 invalidate <keys|null>` (RESP3) or `*3 message __redis__:invalidate <keys|null>` (RESP2). */
function invalidationFrame(resp3: boolean, keys: readonly Uint8Array[] | null): Uint8Array {
  const head = resp3 ? encodeBulkAggregate(0x3e, [INVALIDATE], 2) : encodeBulkAggregate(0x2a, [MESSAGE, INVALIDATE_CHANNEL], 3);
  const tail = keys === null ? enc.encode(resp3 ? "_\r\n" : "$-1\r\n") : encodeBulkAggregate(0x2a, keys);
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

export class Tracking {
  /** Key → ids of clients that may have it cached. */
  table = new Dict<TrackedKey>();
  /** Sum of client ids over all keys (INFO tracking_total_items). */
  totalItems = 0;
  /** Clients with tracking on (INFO tracking_clients). */
  clients = 0;
  /** BCAST prefixes (INFO tracking_total_prefixes). */
  readonly prefixes = new Map<string, BcastPrefix>();
  /** Invalidations for the client being served, sent after its command's reply. */
  private pendingSelf: (Uint8Array | null)[] = [];

  constructor(private readonly server: Server) {}

  // ---------------------------------------------------------------------------------------------
  // Turning tracking on and off

  /** Prefix collision check for CLIENT TRACKING ON BCAST: Redis's error text, or null. */
  prefixCollision(c: Client, prefixes: readonly Uint8Array[]): string | null {
    const mine = c.tracking?.prefixes;
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      if (mine !== undefined) {
        for (const q of mine.values()) {
          if (startsWith(p, q) || startsWith(q, p)) {
            return `ERR Prefix '${latin1(p)}' overlaps with an existing prefix '${latin1(q)}'. Prefixes for a single client must not overlap.`;
          }
        }
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        const q = prefixes[j]!;
        if (startsWith(p, q) || startsWith(q, p)) {
          return `ERR Prefix '${latin1(p)}' overlaps with another provided prefix '${latin1(q)}'. Prefixes for a single client must not overlap.`;
        }
      }
    }
    return null;
  }

  /** Redis's enableTracking: options are TR_BCAST | TR_OPTIN | TR_OPTOUT | TR_NOLOOP. */
  enable(c: Client, redirect: number, options: number, prefixes: readonly Uint8Array[]): void {
    const t = (c.tracking ??= new ClientTracking());
    if (!(c.flags & CF_TRACKING)) this.clients++;
    c.flags |= CF_TRACKING;
    t.flags &= ~(TR_BROKEN_REDIR | TR_BCAST | TR_OPTIN | TR_OPTOUT | TR_NOLOOP);
    t.redirect = redirect;
    if (options & TR_BCAST) {
      t.flags |= TR_BCAST;
      if (prefixes.length === 0) this.addPrefix(c, t, new Uint8Array(0));
      for (const p of prefixes) this.addPrefix(c, t, p);
    }
    t.flags |= options & (TR_OPTIN | TR_OPTOUT | TR_NOLOOP);
  }

  private addPrefix(c: Client, t: ClientTracking, p: Uint8Array): void {
    const k = latin1(p);
    if (t.prefixes.has(k)) return;
    const copy = p.slice();
    t.prefixes.set(k, copy);
    let bp = this.prefixes.get(k);
    if (bp === undefined) {
      bp = new BcastPrefix(copy);
      this.prefixes.set(k, bp);
    }
    bp.clients.add(c);
  }

  /** Redis's disableTracking (CLIENT TRACKING OFF, RESET, disconnect). */
  disable(c: Client): void {
    const t = c.tracking;
    if (t === null || !(c.flags & CF_TRACKING)) return;
    for (const k of t.prefixes.keys()) {
      const bp = this.prefixes.get(k);
      if (bp === undefined) continue;
      bp.clients.delete(c);
      if (bp.clients.size === 0) this.prefixes.delete(k);
    }
    t.prefixes.clear();
    t.flags = 0;
    c.flags &= ~CF_TRACKING;
    this.clients--;
  }

  // ---------------------------------------------------------------------------------------------
  // Remembering keys

  /** After a command ran for `c`: remember the keys a read-only command fetched. */
  afterCall(c: Client, spec: CommandSpec, argv: readonly Uint8Array[]): void {
    const t = c.tracking;
    if (t === null || !(c.flags & CF_TRACKING) || t.flags & TR_BCAST) return;
    if (!(spec.flags & F_READONLY) || SCRIPT_RO.has(spec.name)) return;
    if (spec.firstKey === 0 && spec.keyFinder === null) return;
    const caching = t.flags & TR_CACHING;
    if ((t.flags & TR_OPTIN && !caching) || (t.flags & TR_OPTOUT && caching)) return;
    for (const i of commandKeys(spec, argv)) {
      const key = argv[i]!;
      const h = hashBytes(key);
      let e = this.table.find(key, h);
      if (e === null) {
        e = new TrackedKey(key.slice(), h);
        this.table.insert(e);
      }
      if (!e.ids.has(c.id)) {
        e.ids.add(c.id);
        this.totalItems++;
      }
    }
  }

  /**
   * After a top-level command (server.afterCommand): remember keys, end the CLIENT CACHING
   * window (it covers one command, or a whole MULTI ... EXEC), and send the invalidations the
   * command caused for its own client, after its reply.
   */
  afterCommand(c: Client): void {
    const t = c.tracking;
    if (t !== null) {
      const spec = c.cmd;
      if (spec !== null) {
        this.afterCall(c, spec, c.argv);
        if (!(c.flags & CF_MULTI) && spec.parent?.name !== "client" && spec.name !== "client") t.flags &= ~TR_CACHING;
      }
    }
    if (this.pendingSelf.length > 0) this.flushSelf(c);
  }

  private flushSelf(c: Client): void {
    const list = this.pendingSelf;
    this.pendingSelf = [];
    for (const k of list) this.send(c, k === null ? null : [k]);
  }

  // ---------------------------------------------------------------------------------------------
  // Invalidation

  /** Redis's trackingInvalidateKey: `key` changed (store hook). */
  invalidateKey(key: Uint8Array, bcast = true): void {
    if (bcast && this.prefixes.size > 0) this.rememberForBroadcast(key);
    if (this.table.size === 0) return;
    const h = hashBytes(key);
    const e = this.table.find(key, h);
    if (e === null) return;
    this.table.delete(e.key, h);
    this.totalItems -= e.ids.size;
    const current = this.server.current;
    const clients = this.server.clients;
    for (const id of e.ids) {
      const target = clients.get(id);
      if (target === undefined || !(target.flags & CF_TRACKING)) continue;
      const tf = target.tracking!.flags;
      if (tf & TR_BCAST) continue;
      if (target === current) {
        if (tf & TR_NOLOOP) continue;
        this.pendingSelf.push(e.key);
      } else this.send(target, [e.key]);
    }
  }

  private rememberForBroadcast(key: Uint8Array): void {
    let k: string | null = null;
    for (const bp of this.prefixes.values()) {
      if (!startsWith(key, bp.prefix)) continue;
      k ??= latin1(key);
      if (!bp.keys.has(k)) bp.keys.set(k, [key.slice(), this.server.current]);
    }
  }

  /** FLUSHDB / FLUSHALL: a null invalidation to every tracking client; forget every key. */
  invalidateAll(): void {
    if (this.clients > 0) {
      const current = this.server.current;
      for (const c of this.server.clients.values()) {
        if (!(c.flags & CF_TRACKING)) continue;
        if (c === current) this.pendingSelf.push(null);
        else this.send(c, null);
      }
    }
    this.table = new Dict<TrackedKey>();
    this.totalItems = 0;
  }

  /**
   * End of an input event (Redis's beforeSleep): broadcast BCAST invalidations, enforce
   * tracking-table-max-keys, and send any invalidation still pending for a client.
   */
  beforeFlush(): void {
    if (this.pendingSelf.length > 0) {
      const current = this.server.current;
      if (current !== null) this.flushSelf(current);
      else this.pendingSelf = [];
    }
    if (this.prefixes.size > 0) this.broadcast();
    if (this.table.size > 0) this.limitKeys();
  }

  private broadcast(): void {
    const due: BcastPrefix[] = [];
    for (const bp of this.prefixes.values()) if (bp.keys.size > 0) due.push(bp);
    // Prefixes in byte order, as Redis walks its radix tree.
    if (due.length > 1) due.sort((a, b) => compareBytes(a.prefix, b.prefix));
    for (const bp of due) {
      const entries = [...bp.keys.values()].sort((a, b) => compareBytes(a[0], b[0]));
      bp.keys.clear();
      let all: Uint8Array[] | null = null;
      for (const c of bp.clients) {
        if (c.tracking!.flags & TR_NOLOOP) {
          const mine = entries.filter((e) => e[1] !== c).map((e) => e[0]);
          if (mine.length > 0) this.send(c, mine);
        } else this.send(c, (all ??= entries.map((e) => e[0])));
      }
    }
  }

  /** Evict random keys (invalidating them) while the table is over tracking-table-max-keys. */
  private limitKeys(): void {
    const max = this.server.config.getInt("tracking-table-max-keys");
    if (max === 0 || this.table.size <= max) return;
    for (let effort = 0; effort < 1000 && this.table.size > max; effort++) {
      const e = this.table.random();
      if (e === null) break;
      this.invalidateKey(e.key, false);
    }
  }

  /** Redis's sendTrackingMessage: deliver to the client or its redirect target. */
  private send(owner: Client, keys: readonly Uint8Array[] | null): void {
    const t = owner.tracking;
    if (t === null) return;
    let dest = owner;
    if (t.redirect !== 0) {
      const r = this.server.clients.get(t.redirect);
      if (r === undefined || r.flags & CF_CLOSE_ASAP) {
        // Reported on every lost message, as Redis 7.0 does.
        t.flags |= TR_BROKEN_REDIR;
        if (owner.resp === 3) owner.deliver(redirBrokenFrame(t.redirect));
        return;
      }
      dest = r;
      if (dest.resp !== 3) {
        if (dest.flags & CF_PUBSUB) dest.deliver(invalidationFrame(false, keys));
        return;
      }
    } else if (dest.resp !== 3) return; // RESP2 has no pushes on the same connection
    dest.deliver(invalidationFrame(true, keys));
  }

  /** Keys currently remembered (INFO tracking_total_keys). */
  get totalKeys(): number {
    return this.table.size;
  }

  /** True when `key` is remembered for client `id` (tests, DEBUG). */
  isTracked(key: Uint8Array, id: number): boolean {
    const e = this.table.get(key);
    return e !== null && e.ids.has(id) && bytesEqual(e.key, key);
  }
}

const SCRIPT_RO = new Set(["eval_ro", "evalsha_ro", "fcall_ro"]);

function redirBrokenFrame(id: number): Uint8Array {
  const head = encodeBulkAggregate(0x3e, [REDIR_BROKEN], 2);
  return new Uint8Array([...head, ...enc.encode(`:${id}\r\n`)]);
}
