/**
 * Shared pieces of the string and bitmap differential tests: a seeded PRNG, value generators,
 * state setup on both servers (placeholder lists on Kedis where LIST commands may not exist),
 * and comparisons of what replies cannot show (encodings, expiry times, spec metadata).
 */
import { FLAG_NAMES, type CommandSpec } from "../../src/commands/spec.ts";
import type { Differ, Mismatch } from "../helpers/diff.ts";
import { encodingOf, expireTimeOf, putList } from "../helpers/inspect.ts";

export type Arg = string | Uint8Array | number;

/** mulberry32: small, seedable, good enough for test sequences. */
export function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Gen {
  constructor(readonly r: () => number) {}
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  /** Bytes drawn from a small alphabet (so LCS and BITOP find structure), sometimes binary. */
  bytes(max: number): string {
    const n = this.int(max + 1);
    const alpha = this.chance(0.2) ? null : this.pick(["ab", "abc", "xyz01", "0123456789"]);
    let s = "";
    for (let i = 0; i < n; i++) s += alpha === null ? String.fromCharCode(this.int(256)) : alpha[this.int(alpha.length)];
    return s;
  }
  /** Integers around interesting places, as text. */
  intText(): string {
    return this.pick([
      () => String(this.int(100) - 50),
      () => String(this.int(2_000_000) - 1_000_000),
      () => this.pick(["9223372036854775807", "-9223372036854775808", "9223372036854775806", "-9223372036854775807"]),
      () => String(BigInt(this.int(1 << 30)) * BigInt(this.int(1 << 30)) * BigInt(this.pick([1, -1, 7]))),
      () => this.pick(["0", "-0", "01", "+1", " 1", "1.5", "", "abc", "9223372036854775808", "1e3"]),
    ])();
  }
  floatText(): string {
    return this.pick([
      () => String((this.int(20000) - 10000) / this.pick([1, 2, 4, 10, 100, 1000, 3])),
      () => `${this.int(10)}.${this.int(1e9)}e${this.int(40) - 20}`,
      () => `-0.${"0".repeat(this.int(18))}${this.int(100)}`,
      () => this.pick(["inf", "-inf", "nan", "1e400", " 1", "0x10", "1e", ".5", "5.", "abc", "1e4000", "3.0e1"]),
      () => this.intText(),
    ])();
  }
}

/** Make `key` a list on both servers (RPUSH on Redis, a placeholder entry on Kedis). */
export async function makeList(d: Differ, key: string): Promise<void> {
  await d.r.call("DEL", key);
  await d.r.call("RPUSH", key, "x");
  putList(d.kedis.server, key);
}

/** Empty both servers (Kedis directly: FLUSHALL belongs to another family). */
export async function flushBoth(d: Differ): Promise<void> {
  await d.r.call("FLUSHALL");
  d.kedis.server.ks.flushAll();
}

/** Compare OBJECT ENCODING and PEXPIRETIME of keys; expiry times within `slackMs`. */
export async function compareKeyState(d: Differ, keys: readonly string[], slackMs = 1500): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  for (const key of keys) {
    const type = await d.r.call("TYPE", key);
    const renc = type === "none" ? null : await d.r.call("OBJECT", "ENCODING", key);
    const kenc = encodingOf(d.kedis.server, key);
    if (type !== "list" && renc !== kenc) out.push({ command: `OBJECT ENCODING ${key}`, kedis: String(kenc), redis: String(renc) });
    const rexp = Number(await d.r.call("PEXPIRETIME", key));
    const kexp = expireTimeOf(d.kedis.server, key);
    const same = rexp < 0 || kexp < 0 ? rexp === kexp : Math.abs(rexp - kexp) <= slackMs || (rexp > 2 ** 53 && kexp > 2 ** 53);
    if (!same) out.push({ command: `PEXPIRETIME ${key}`, kedis: String(kexp), redis: String(rexp) });
  }
  return out;
}

/** Compare our spec lines with Redis's COMMAND INFO (arity, flags, first/last/step keys). */
export async function compareSpecs(d: Differ, specs: readonly CommandSpec[]): Promise<Mismatch[]> {
  const out: Mismatch[] = [];
  for (const spec of specs) {
    const info = (await d.r.call("COMMAND", "INFO", spec.name)) as unknown[][];
    const row = info[0]!;
    const flags = FLAG_NAMES.filter(([bit]) => spec.flags & bit).map(([, name]) => name);
    const ours = JSON.stringify([spec.name, spec.arity, flags, spec.firstKey, spec.lastKey, spec.step]);
    const theirs = JSON.stringify(row.slice(0, 6));
    if (ours !== theirs) out.push({ command: `COMMAND INFO ${spec.name}`, kedis: ours, redis: theirs });
  }
  return out;
}

/** Run commands on both servers, returning every mismatch. */
export async function runAll(d: Differ, cmds: readonly Arg[][]): Promise<Mismatch[]> {
  return (await runCounting(d, cmds)).mismatches;
}

/** Run commands on both servers; also count Redis's error replies (to check a mix is useful). */
export async function runCounting(d: Differ, cmds: readonly Arg[][]): Promise<{ mismatches: Mismatch[]; errors: number }> {
  const mismatches: Mismatch[] = [];
  let errors = 0;
  for (const cmd of cmds) {
    const [kedis, redis] = await d.both(...cmd);
    if (redis.startsWith("-")) errors++;
    if (kedis !== redis) {
      const text = cmd.map((a) => (typeof a === "string" ? a : typeof a === "number" ? String(a) : new TextDecoder().decode(a))).join(" ");
      mismatches.push({ command: text, kedis, redis });
    }
  }
  return { mismatches, errors };
}

/** Split a scripted line "SET k v" into args; JSON arrays allow spaces and binary. */
export function parseLines(text: string): Arg[][] {
  const out: Arg[][] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    out.push(line.startsWith("[") ? (JSON.parse(line) as string[]) : line.split(/\s+/));
  }
  return out;
}
