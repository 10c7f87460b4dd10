/**
 * Shared plumbing for the set / sorted-set / SORT differential tests. Commands these tests
 * need that belong to other families (FLUSHALL, HELLO, CONFIG SET, OBJECT ENCODING) are done
 * on Redis over the wire and on Kedis in-process, so these tests do not depend on those
 * families being present.
 */
import { expect } from "bun:test";
import { Differ } from "../helpers/diff.ts";
import { decode, latin1Decode, latin1Encode, type Reply } from "../helpers/resp.ts";
import { encodingName } from "../../src/store/value.ts";
import type { Client } from "../../src/server/client.ts";

export type Arg = string | number | Uint8Array;

export class CollectionDiff {
  private constructor(
    readonly d: Differ,
    private readonly kclient: Client,
  ) {}

  /** Null (with the reason printed by the helpers) when redis-server is missing. */
  static async start(): Promise<CollectionDiff | null> {
    const d = await Differ.start();
    if (d === null) return null;
    let kc: Client | null = null;
    for (const c of d.kedis.server.clients.values()) if (kc === null || c.id > kc.id) kc = c;
    return new CollectionDiff(d, kc!);
  }

  async stop(): Promise<void> {
    await this.d.stop();
  }

  async reset(): Promise<void> {
    await this.d.r.call("FLUSHALL");
    this.d.kedis.server.ks.flushAll();
  }

  async resp(version: 2 | 3): Promise<void> {
    await this.d.r.call("HELLO", String(version));
    this.kclient.resp = version;
  }

  async config(name: string, value: string): Promise<void> {
    expect(await this.d.r.call("CONFIG", "SET", name, value)).toBe("OK");
    expect(this.d.kedis.server.config.set(name, value)).toBeNull();
  }

  /** OBJECT ENCODING on both (null when the key is missing). */
  async encodings(key: string): Promise<[string | null, string | null]> {
    const r = await this.d.r.call("OBJECT", "ENCODING", key);
    const e = this.d.kedis.server.ks.dbs[0]!.dict.get(latin1Encode(key));
    return [e === null ? null : encodingName(e), typeof r === "string" ? r : null];
  }

  async sameEncoding(key: string): Promise<void> {
    const [k, r] = await this.encodings(key);
    expect(`${key}: ${k}`).toBe(`${key}: ${r}`);
  }

  /** Run commands on both; every reply must be byte-identical. */
  async same(...cmds: Arg[][]): Promise<void> {
    const mism = await this.d.run(...cmds);
    expect(mism).toEqual([]);
  }

  /** Raw replies of one command on both. */
  async both(...cmd: Arg[]): Promise<[string, string]> {
    return this.d.both(...cmd);
  }

  /**
   * Run a command whose element order is the hash table's own (or random): the replies must
   * have the same shape and the same elements once sorted.
   */
  async sameUnordered(...cmd: Arg[]): Promise<void> {
    const [k, r] = await this.d.both(...cmd);
    expect(`${show(cmd)} -> ${canonical(k)}`).toBe(`${show(cmd)} -> ${canonical(r)}`);
  }
}

export function show(cmd: Arg[]): string {
  return cmd.map((a) => (typeof a === "string" ? a : typeof a === "number" ? String(a) : latin1Decode(a))).join(" ");
}

/** A reply with every aggregate's elements sorted (type markers kept). */
export function canonical(raw: string): string {
  const [v] = decode(latin1Encode(raw));
  const prefix = raw[0];
  return prefix + JSON.stringify(sortDeep(v));
}

function sortDeep(v: Reply): unknown {
  if (Array.isArray(v)) return v.map(sortDeep).map((x) => JSON.stringify(x)).sort();
  if (v instanceof Map) return [...v.entries()].map(([a, b]) => JSON.stringify([sortDeep(a), sortDeep(b)])).sort();
  if (typeof v === "bigint") return v.toString();
  return v;
}

/** Seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
