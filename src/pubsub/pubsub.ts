/**
 * Pub/Sub registries: channels, patterns and shard channels, and message fan-out.
 *
 * Invariants:
 * - A client is in a channel's (pattern's) subscriber set iff the channel is in its
 *   `ClientPubSub`; empty sets are removed, so `channels.size` is PUBSUB CHANNELS' universe and
 *   `patterns.size` is PUBSUB NUMPAT.
 * - CF_PUBSUB is set while the client has any subscription (channels + patterns + shard).
 * - Channel and pattern bytes are owned copies (request views die after the command).
 *
 * Fan-out: a message frame is encoded once per protocol version (RESP2 `*3`, RESP3 `>3`: the
 * frames differ only in the first byte) and the same bytes are handed to every subscriber via
 * `Client.deliver`, which batches them until the end of the publisher's input event. Patterns
 * are compiled once at subscribe time. Complexity per PUBLISH: O(subscribers + patterns ×
 * match cost).
 */
import { Dict, hashBytes, type DictEntry } from "../datastructures/dict.ts";
import type { ReplyWriter } from "../protocol/resp/writer.ts";
import { CF_PUBSUB, type Client } from "../server/client.ts";
import { compileGlob, globMatchCompiled, type CompiledGlob } from "./glob-match.ts";

const enc = new TextEncoder();

/** Reply kind names, pre-encoded. */
export const K_SUBSCRIBE = enc.encode("subscribe");
export const K_UNSUBSCRIBE = enc.encode("unsubscribe");
export const K_PSUBSCRIBE = enc.encode("psubscribe");
export const K_PUNSUBSCRIBE = enc.encode("punsubscribe");
export const K_SSUBSCRIBE = enc.encode("ssubscribe");
export const K_SUNSUBSCRIBE = enc.encode("sunsubscribe");
const K_MESSAGE = enc.encode("message");
const K_PMESSAGE = enc.encode("pmessage");
const K_SMESSAGE = enc.encode("smessage");

/** Subscriber set of one channel, intrusive in the channel dict. */
class ChannelEntry implements DictEntry {
  next: ChannelEntry | null = null;
  readonly subs = new Set<Client>();
  constructor(
    public key: Uint8Array,
    public hash: number,
  ) {}
}

/** One subscribed pattern with its compiled form. */
interface PatternEntry {
  readonly pattern: Uint8Array;
  readonly glob: CompiledGlob;
  readonly subs: Set<Client>;
}

/** A client's subscriptions, keyed by latin1 text of the bytes (edge use: not on PUBLISH). */
export class ClientPubSub {
  readonly channels = new Map<string, Uint8Array>();
  readonly patterns = new Map<string, Uint8Array>();
  readonly shard = new Map<string, Uint8Array>();

  /** Count Redis reports in (p)(un)subscribe replies: channels + patterns. */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }

  get total(): number {
    return this.channels.size + this.patterns.size + this.shard.size;
  }
}

function key(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Number of decimal digits of a non-negative integer. */
function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/**
 * Encode an aggregate header `<prefix><count>\r\n` followed by `parts` as bulk strings. `count`
 * may exceed the parts when the caller appends more elements (e.g. a trailing array).
 */
export function encodeBulkAggregate(prefix: number, parts: readonly Uint8Array[], count = parts.length): Uint8Array {
  let size = 1 + digits(count) + 2;
  for (const p of parts) size += 1 + digits(p.length) + 2 + p.length + 2;
  const out = new Uint8Array(size);
  let o = 0;
  const num = (n: number) => {
    const s = String(n);
    for (let i = 0; i < s.length; i++) out[o++] = s.charCodeAt(i);
    out[o++] = 13;
    out[o++] = 10;
  };
  out[o++] = prefix;
  num(count);
  for (const p of parts) {
    out[o++] = 0x24;
    num(p.length);
    out.set(p, o);
    o += p.length;
    out[o++] = 13;
    out[o++] = 10;
  }
  return out;
}

/** The same frame as RESP3 push (`>`), from its RESP2 (`*`) encoding. */
function asPush(f2: Uint8Array): Uint8Array {
  const f3 = f2.slice();
  f3[0] = 0x3e;
  return f3;
}

/** Hand a frame to every subscriber in its protocol; returns the number of subscribers. */
function fanOut(subs: Set<Client>, parts: readonly Uint8Array[]): number {
  let f2: Uint8Array | null = null;
  let f3: Uint8Array | null = null;
  for (const c of subs) {
    if (c.resp === 2) c.deliver((f2 ??= encodeBulkAggregate(0x2a, parts)));
    else c.deliver((f3 ??= f2 !== null ? asPush(f2) : encodeBulkAggregate(0x3e, parts)));
  }
  return subs.size;
}

export class PubSub {
  readonly channels = new Dict<ChannelEntry>();
  readonly shardChannels = new Dict<ChannelEntry>();
  /** Subscribed patterns by latin1 text. */
  readonly patterns = new Map<string, PatternEntry>();

  /** True when nobody is subscribed to any channel or pattern (keyspace events skip work). */
  get idle(): boolean {
    return this.channels.size === 0 && this.patterns.size === 0;
  }

  // ---------------------------------------------------------------------------------------------
  // Subscribing (replies go to `out`, the subscriber's writer)

  /** SUBSCRIBE / SSUBSCRIBE one channel: reply `subscribe <ch> <count>`. */
  subscribe(c: Client, out: ReplyWriter, ch: Uint8Array, shard: boolean): void {
    const ps = (c.pubsub ??= new ClientPubSub());
    const mine = shard ? ps.shard : ps.channels;
    const k = key(ch);
    if (!mine.has(k)) {
      const copy = ch.slice();
      mine.set(k, copy);
      const dict = shard ? this.shardChannels : this.channels;
      const h = hashBytes(copy);
      let e = dict.find(copy, h);
      if (e === null) {
        e = new ChannelEntry(copy, h);
        dict.insert(e);
      }
      e.subs.add(c);
    }
    c.flags |= CF_PUBSUB;
    reply(out, shard ? K_SSUBSCRIBE : K_SUBSCRIBE, ch, shard ? ps.shard.size : ps.count);
  }

  /** UNSUBSCRIBE / SUNSUBSCRIBE one channel: reply `unsubscribe <ch> <count>` when `out`. */
  unsubscribe(c: Client, out: ReplyWriter | null, ch: Uint8Array, shard: boolean): void {
    const ps = c.pubsub;
    if (ps !== null) {
      const mine = shard ? ps.shard : ps.channels;
      if (mine.delete(key(ch))) {
        const dict = shard ? this.shardChannels : this.channels;
        const e = dict.get(ch);
        if (e !== null) {
          e.subs.delete(c);
          if (e.subs.size === 0) dict.delete(e.key, e.hash);
        }
      }
      if (ps.total === 0) c.flags &= ~CF_PUBSUB;
    }
    if (out !== null) reply(out, shard ? K_SUNSUBSCRIBE : K_UNSUBSCRIBE, ch, ps === null ? 0 : shard ? ps.shard.size : ps.count);
  }

  /** PSUBSCRIBE one pattern. */
  psubscribe(c: Client, out: ReplyWriter, pat: Uint8Array): void {
    const ps = (c.pubsub ??= new ClientPubSub());
    const k = key(pat);
    if (!ps.patterns.has(k)) {
      const copy = pat.slice();
      ps.patterns.set(k, copy);
      let e = this.patterns.get(k);
      if (e === undefined) {
        e = { pattern: copy, glob: compileGlob(copy), subs: new Set() };
        this.patterns.set(k, e);
      }
      e.subs.add(c);
    }
    c.flags |= CF_PUBSUB;
    reply(out, K_PSUBSCRIBE, pat, ps.count);
  }

  /** PUNSUBSCRIBE one pattern. */
  punsubscribe(c: Client, out: ReplyWriter | null, pat: Uint8Array): void {
    const ps = c.pubsub;
    if (ps !== null) {
      const k = key(pat);
      if (ps.patterns.delete(k)) {
        const e = this.patterns.get(k);
        if (e !== undefined) {
          e.subs.delete(c);
          if (e.subs.size === 0) this.patterns.delete(k);
        }
      }
      if (ps.total === 0) c.flags &= ~CF_PUBSUB;
    }
    if (out !== null) reply(out, K_PUNSUBSCRIBE, pat, ps === null ? 0 : ps.count);
  }

  /**
   * Unsubscribe from every channel (shard channels when `shard`). With `out`, one reply per
   * channel, or Redis's `unsubscribe <nil> 0` when there was none. Returns how many.
   */
  unsubscribeAll(c: Client, out: ReplyWriter | null, shard: boolean): number {
    const ps = c.pubsub;
    const mine = ps === null ? null : shard ? ps.shard : ps.channels;
    const list = mine === null ? [] : [...mine.values()];
    for (const ch of list) this.unsubscribe(c, out, ch, shard);
    if (list.length === 0 && out !== null) reply(out, shard ? K_SUNSUBSCRIBE : K_UNSUBSCRIBE, null, ps === null ? 0 : shard ? ps.shard.size : ps.count);
    return list.length;
  }

  /** Unsubscribe from every pattern (see unsubscribeAll). */
  punsubscribeAll(c: Client, out: ReplyWriter | null): number {
    const ps = c.pubsub;
    const list = ps === null ? [] : [...ps.patterns.values()];
    for (const p of list) this.punsubscribe(c, out, p);
    if (list.length === 0 && out !== null) reply(out, K_PUNSUBSCRIBE, null, ps === null ? 0 : ps.count);
    return list.length;
  }

  /** Drop every subscription without replies (disconnect, RESET). */
  removeClient(c: Client): void {
    if (c.pubsub === null) return;
    this.unsubscribeAll(c, null, false);
    this.unsubscribeAll(c, null, true);
    this.punsubscribeAll(c, null);
    c.pubsub = null;
    c.flags &= ~CF_PUBSUB;
  }

  // ---------------------------------------------------------------------------------------------
  // Publishing

  /** PUBLISH: deliver to channel subscribers and matching patterns; returns receivers. */
  publish(ch: Uint8Array, msg: Uint8Array): number {
    let receivers = 0;
    if (this.channels.size > 0) {
      const e = this.channels.get(ch);
      if (e !== null) receivers += fanOut(e.subs, [K_MESSAGE, ch, msg]);
    }
    if (this.patterns.size > 0) {
      for (const p of this.patterns.values()) {
        if (globMatchCompiled(p.glob, ch)) receivers += fanOut(p.subs, [K_PMESSAGE, p.pattern, ch, msg]);
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channel subscribers only. */
  spublish(ch: Uint8Array, msg: Uint8Array): number {
    if (this.shardChannels.size === 0) return 0;
    const e = this.shardChannels.get(ch);
    return e === null ? 0 : fanOut(e.subs, [K_SMESSAGE, ch, msg]);
  }

  /** Subscriber count of a channel (PUBSUB NUMSUB / SHARDNUMSUB). */
  numsub(ch: Uint8Array, shard: boolean): number {
    const e = (shard ? this.shardChannels : this.channels).get(ch);
    return e === null ? 0 : e.subs.size;
  }
}

/** `<kind> <channel|nil> <count>` as a push (an array in RESP2). */
function reply(out: ReplyWriter, kind: Uint8Array, ch: Uint8Array | null, count: number): void {
  out.pushLen(3);
  out.bulk(kind);
  if (ch === null) out.nullBulk();
  else out.bulk(ch);
  out.integer(count);
}
