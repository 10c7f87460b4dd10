/**
 * Geo commands (Redis group "geo"): GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
 * GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms, over sorted sets whose
 * scores are 52-bit geohashes (datastructures/geohash.ts).
 *
 * As in Redis 7.0: GEOADD rewrites itself into ZADD (scores as integers) and runs it, so its
 * replies, events and propagation are ZADD's; coordinates print as Redis's "human" long double
 * (%.17Lf without trailing zeros), distances with exactly four decimals (llrint(d * 10^4));
 * searches scan the center cell and its neighbours in Redis's order, so results that are not
 * sorted come out in Redis's order; COUNT without ANY sorts ascending.
 */
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  areasForShape,
  decodeScore,
  distance,
  distanceIfInShape,
  encodeScore,
  geohashString,
  isZeroHash,
  scoreRangeOf,
  type Shape,
} from "../datastructures/geohash.ts";
import { E, fail } from "../protocol/errors.ts";
import type { ReplyWriter } from "../protocol/resp/writer.ts";
import { ZsetValue } from "../store/types/zset.ts";
import { OBJ_ZSET } from "../store/value.ts";
import { formatLongDoubleHuman, type LongDouble } from "../util/long-double.ts";
import { asciiBytes, parseDouble, parseInt64 } from "../util/numbers.ts";
import { is } from "./args.ts";
import { NOTIFY_GENERIC, NOTIFY_ZSET, signalModified, zsetLimits } from "./collection-helpers.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

const ZADD = asciiBytes("zadd");

// =================================================================================================
// Formatting

/** The exact value of a finite double as a LongDouble (every double is one). */
function exactOf(d: number): LongDouble {
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  if (a === 0) return { neg, mant: 0n, exp: 0, inf: false };
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, a);
  const bits = v.getBigUint64(0);
  const e = Number((bits >> 52n) & 0x7ffn);
  const f = bits & 0xfffffffffffffn;
  return e === 0 ? { neg, mant: f, exp: -1074, inf: false } : { neg, mant: f | (1n << 52n), exp: e - 1075, inf: false };
}

/** addReplyHumanLongDouble: RESP2 bulk, RESP3 double, text "%.17Lf" trimmed. */
function replyHuman(out: ReplyWriter, d: number): void {
  out.doubleText(formatLongDoubleHuman(exactOf(d)));
}

/** Redis's fixedpoint_d2string(d, 4): llrint(d * 10000) with four decimals. */
export function distanceText(d: number): string {
  if (d === 0) return "0.0000";
  const v = d * 10000;
  let n = Math.round(v);
  if (Math.abs(v - Math.trunc(v)) === 0.5 && n % 2 !== 0) n -= Math.sign(v); // ties to even
  const neg = n < 0;
  let s = String(Math.abs(n));
  while (s.length < 5) s = "0" + s;
  return `${neg ? "-" : ""}${s.slice(0, -4)}.${s.slice(-4)}`;
}

function replyDistance(out: ReplyWriter, d: number): void {
  out.bulkString(distanceText(d));
}

/** C's "%f" (six decimals, exact, ties to even) of a finite double. */
function formatF(d: number): string {
  if (!Number.isFinite(d)) return d > 0 ? "inf" : d < 0 ? "-inf" : "nan";
  const x = exactOf(d);
  const scaled = x.mant * 1000000n;
  let q: bigint;
  if (x.exp >= 0) q = scaled << BigInt(x.exp);
  else {
    const sh = BigInt(-x.exp);
    q = scaled >> sh;
    const r = scaled & ((1n << sh) - 1n);
    const half = 1n << (sh - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
  }
  const digits = q.toString().padStart(7, "0");
  return `${x.neg ? "-" : ""}${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

// =================================================================================================
// Argument parsing

function readZset(c: CommandContext, key: Uint8Array): ZsetValue | null {
  const e = c.db.lookupRead(key);
  if (e === null) return null;
  if (e.type !== OBJ_ZSET) fail(E.WRONGTYPE);
  return e.value as ZsetValue;
}

function doubleArg(arg: Uint8Array, msg: string = E.NOT_FLOAT): number {
  const d = parseDouble(arg);
  if (Number.isNaN(d)) fail(msg);
  return d;
}

/** extractLongLatOrReply. */
function lonLatArg(a: Uint8Array, b: Uint8Array): [number, number] {
  const x = doubleArg(a);
  const y = doubleArg(b);
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) fail(`ERR invalid longitude,latitude pair ${formatF(x)},${formatF(y)}`);
  return [x, y];
}

/** extractUnitOrReply: meters per unit. */
function unitArg(u: Uint8Array): number {
  if (is(u, "m")) return 1;
  if (is(u, "km")) return 1000;
  if (is(u, "ft")) return 0.3048;
  if (is(u, "mi")) return 1609.34;
  fail("ERR unsupported unit provided. please use M, KM, FT, MI");
}

function radiusArg(r: Uint8Array, u: Uint8Array): [number, number] {
  const d = doubleArg(r, "ERR need numeric radius");
  if (d < 0) fail("ERR radius cannot be negative");
  return [d, unitArg(u)];
}

/** The position of a member, or null when it is missing. */
function memberPos(z: ZsetValue, m: Uint8Array): [number, number] | null {
  const s = z.score(m);
  return s === undefined ? null : decodeScore(s);
}

// =================================================================================================
// GEOADD, GEOPOS, GEODIST, GEOHASH

function geoaddCommand(c: CommandContext): void {
  const argv = c.argv;
  let longidx = 2;
  let xx = false;
  let nx = false;
  while (longidx < argv.length) {
    const o = argv[longidx]!;
    if (is(o, "nx")) nx = true;
    else if (is(o, "xx")) xx = true;
    else if (!is(o, "ch")) break;
    longidx++;
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) fail(E.SYNTAX);
  const elements = (argv.length - longidx) / 3;
  const zargv: Uint8Array[] = [ZADD];
  for (let i = 1; i < longidx; i++) zargv.push(argv[i]!);
  for (let i = 0; i < elements; i++) {
    const at = longidx + i * 3;
    const [x, y] = lonLatArg(argv[at]!, argv[at + 1]!);
    const score = encodeScore(x, y)!;
    zargv.push(asciiBytes(String(score)), argv[at + 2]!);
  }
  // Run ZADD with the rewritten vector: its reply, events and propagation are GEOADD's.
  c.argv = zargv;
  c.server.registry.byName("zadd")!.handler(c);
}

function geoposCommand(c: CommandContext): void {
  const argv = c.argv;
  const z = readZset(c, argv[1]!);
  const out = c.out;
  out.arrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const p = z === null ? null : memberPos(z, argv[j]!);
    if (p === null) {
      out.nullArray();
      continue;
    }
    out.arrayLen(2);
    replyHuman(out, p[0]);
    replyHuman(out, p[1]);
  }
}

function geodistCommand(c: CommandContext): void {
  const argv = c.argv;
  let toMeter = 1;
  if (argv.length === 5) toMeter = unitArg(argv[4]!);
  else if (argv.length > 5) fail(E.SYNTAX);
  const z = readZset(c, argv[1]!);
  if (z === null) return c.out.nullBulk();
  const a = memberPos(z, argv[2]!);
  const b = a === null ? null : memberPos(z, argv[3]!);
  if (a === null || b === null) return c.out.nullBulk();
  replyDistance(c.out, distance(a[0], a[1], b[0], b[1]) / toMeter);
}

function geohashCommand(c: CommandContext): void {
  const argv = c.argv;
  const z = readZset(c, argv[1]!);
  const out = c.out;
  out.arrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === null ? undefined : z.score(argv[j]!);
    if (s === undefined) out.nullBulk();
    else out.bulkString(geohashString(s));
  }
}

// =================================================================================================
// Searches

const RADIUS_COORDS = 1 << 0;
const RADIUS_MEMBER = 1 << 1;
const RADIUS_NOSTORE = 1 << 2;
const GEOSEARCH = 1 << 3;
const GEOSEARCHSTORE = 1 << 4;

interface GeoPoint {
  member: Uint8Array;
  score: number;
  x: number;
  y: number;
  dist: number;
}

/** Points of one cell's score range [min, max) that fall inside the shape, in score order. */
function pointsInRange(z: ZsetValue, min: number, max: number, shape: Shape, out: GeoPoint[], limit: number): void {
  const [lo, hi] = z.scoreSpan({ min, max, minex: false, maxex: true });
  if (lo >= hi) return;
  let stop = false;
  z.forRanks(lo, hi, false, (m, score) => {
    if (stop) return;
    const [x, y] = decodeScore(score);
    const d = distanceIfInShape(shape, x, y);
    if (d >= 0) out.push({ member: m.slice(), score, x, y, dist: d });
    if (out.length > 0 && limit !== 0 && out.length >= limit) stop = true;
  });
}

/** Redis's membersOfAllNeighbors: the center cell and its neighbours, skipping repeats. */
function searchShape(z: ZsetValue, shape: Shape, limit: number): GeoPoint[] {
  const cells = areasForShape(shape);
  const out: GeoPoint[] = [];
  let lastProcessed = 0;
  for (let i = 0; i < cells.length; i++) {
    const h = cells[i]!;
    if (isZeroHash(h)) continue;
    const prev = cells[lastProcessed]!;
    if (lastProcessed !== 0 && h.bits === prev.bits && h.step === prev.step) continue;
    if (out.length > 0 && limit !== 0 && out.length >= limit) break;
    const [min, max] = scoreRangeOf(h);
    pointsInRange(z, min, max, shape, out, limit);
    lastProcessed = i;
  }
  return out;
}

function georadiusGeneric(c: CommandContext, srcIdx: number, flags: number): void {
  const argv = c.argv;
  const z = readZset(c, argv[srcIdx]!);
  let storeKey: Uint8Array | null = null;
  let storeDist = false;
  let baseArgs: number;
  const shape: Shape = { xy: [0, 0], conversion: 1, radius: null, width: 0, height: 0 };
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    shape.xy = lonLatArg(argv[2]!, argv[3]!);
    [shape.radius, shape.conversion] = radiusArg(argv[4]!, argv[5]!);
  } else if (flags & RADIUS_MEMBER && z === null) {
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    const p = memberPos(z!, argv[2]!);
    if (p === null) fail("ERR could not decode requested zset member");
    shape.xy = p;
    [shape.radius, shape.conversion] = radiusArg(argv[3]!, argv[4]!);
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storeKey = argv[1]!;
    }
  }
  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = 0; // 0 none, 1 asc, -1 desc
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const a = argv[baseArgs + i]!;
    if (is(a, "withdist")) withdist = true;
    else if (is(a, "withhash")) withhash = true;
    else if (is(a, "withcoord")) withcoords = true;
    else if (is(a, "any")) any = true;
    else if (is(a, "asc")) sort = 1;
    else if (is(a, "desc")) sort = -1;
    else if (is(a, "count") && i + 1 < remaining) {
      const n = parseInt64(argv[baseArgs + i + 1]!);
      if (Number.isNaN(n)) fail(E.NOT_INTEGER);
      if (n <= 0) fail("ERR COUNT must be > 0");
      count = n;
      i++;
    } else if ((is(a, "store") || is(a, "storedist")) && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storeKey = argv[baseArgs + i + 1]!;
      storeDist = is(a, "storedist");
      i++;
    } else if (is(a, "storedist") && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      storeDist = true;
    } else if (is(a, "frommember") && i + 1 < remaining && flags & GEOSEARCH && !fromloc) {
      if (z !== null) {
        const p = memberPos(z, argv[baseArgs + i + 1]!);
        if (p === null) fail("ERR could not decode requested zset member");
        shape.xy = p;
      }
      frommember = true;
      i++;
    } else if (is(a, "fromlonlat") && i + 2 < remaining && flags & GEOSEARCH && !frommember) {
      shape.xy = lonLatArg(argv[baseArgs + i + 1]!, argv[baseArgs + i + 2]!);
      fromloc = true;
      i += 2;
    } else if (is(a, "byradius") && i + 2 < remaining && flags & GEOSEARCH && !bybox) {
      [shape.radius, shape.conversion] = radiusArg(argv[baseArgs + i + 1]!, argv[baseArgs + i + 2]!);
      byradius = true;
      i += 2;
    } else if (is(a, "bybox") && i + 3 < remaining && flags & GEOSEARCH && !byradius) {
      const w = doubleArg(argv[baseArgs + i + 1]!, "ERR need numeric width");
      const h = doubleArg(argv[baseArgs + i + 2]!, "ERR need numeric height");
      if (h < 0 || w < 0) fail("ERR height or width cannot be negative");
      shape.width = w;
      shape.height = h;
      shape.conversion = unitArg(argv[baseArgs + i + 3]!);
      shape.radius = null;
      bybox = true;
      i += 3;
    } else fail(E.SYNTAX);
  }
  const cmdName = latin1(argv[0]!);
  if (storeKey !== null && (withdist || withhash || withcoords)) {
    fail(`ERR ${flags & GEOSEARCHSTORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (flags & GEOSEARCH && !(frommember || fromloc)) fail(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cmdName}`);
  if (flags & GEOSEARCH && !(byradius || bybox)) fail(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${cmdName}`);
  if (any && count === 0) fail("ERR the ANY argument requires COUNT argument");
  if (z === null) {
    if (storeKey !== null) {
      if (c.db.delete(storeKey)) {
        signalModified(c, storeKey);
        c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", storeKey, c.db.id);
        c.server.dirty++;
      }
      c.out.integer(0);
    } else c.out.emptyArray();
    return;
  }
  if (count !== 0 && sort === 0 && !any) sort = 1;
  const found = searchShape(z, shape, any ? count : 0);
  if (found.length === 0 && storeKey === null) return c.out.emptyArray();
  const returned = count === 0 || found.length < count ? found.length : count;
  if (sort !== 0) {
    // Stable, like glibc's qsort (a merge sort): equal distances keep the scan order.
    found.sort((a, b) => (a.dist === b.dist ? 0 : (a.dist > b.dist ? 1 : -1) * sort));
  }
  const out = c.out;
  if (storeKey === null) {
    const options = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    out.arrayLen(returned);
    for (let i = 0; i < returned; i++) {
      const p = found[i]!;
      const dist = p.dist / shape.conversion;
      if (options > 0) out.arrayLen(options + 1);
      out.bulk(p.member);
      if (withdist) replyDistance(out, dist);
      if (withhash) out.integer(Math.trunc(p.score));
      if (withcoords) {
        out.arrayLen(2);
        replyHuman(out, p.x);
        replyHuman(out, p.y);
      }
    }
    return;
  }
  if (returned > 0) {
    const lim = zsetLimits(c);
    let maxLen = 0;
    for (let i = 0; i < returned; i++) maxLen = Math.max(maxLen, found[i]!.member.length);
    // Redis builds a skiplist and converts it to a listpack when within the limits.
    const dst = returned <= lim.maxEntries && maxLen <= lim.maxValue ? ZsetValue.listpack() : ZsetValue.skiplist();
    for (let i = 0; i < returned; i++) {
      const p = found[i]!;
      dst.add(storeDist ? p.dist / shape.conversion : p.score, p.member, 0, { maxEntries: Number.MAX_SAFE_INTEGER, maxValue: Number.MAX_SAFE_INTEGER });
    }
    c.db.set(storeKey, OBJ_ZSET, dst);
    c.server.notifyKeyspaceEvent(NOTIFY_ZSET, flags & GEOSEARCH ? "geosearchstore" : "georadiusstore", storeKey, c.db.id);
    c.server.dirty += returned;
  } else if (c.db.delete(storeKey)) {
    signalModified(c, storeKey);
    c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", storeKey, c.db.id);
    c.server.dirty++;
  }
  out.integer(returned);
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length && b[i] !== 0; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function georadiusCommand(c: CommandContext): void {
  georadiusGeneric(c, 1, RADIUS_COORDS);
}
function georadiusbymemberCommand(c: CommandContext): void {
  georadiusGeneric(c, 1, RADIUS_MEMBER);
}
function georadiusRoCommand(c: CommandContext): void {
  georadiusGeneric(c, 1, RADIUS_COORDS | RADIUS_NOSTORE);
}
function georadiusbymemberRoCommand(c: CommandContext): void {
  georadiusGeneric(c, 1, RADIUS_MEMBER | RADIUS_NOSTORE);
}
function geosearchCommand(c: CommandContext): void {
  georadiusGeneric(c, 1, GEOSEARCH);
}
function geosearchstoreCommand(c: CommandContext): void {
  georadiusGeneric(c, 2, GEOSEARCH | GEOSEARCHSTORE);
}

/** GEORADIUS/GEORADIUSBYMEMBER keys: the source and any STORE/STOREDIST target. */
function georadiusKeys(first: number): (argv: readonly Uint8Array[]) => number[] {
  return (argv) => {
    const keys = [1];
    for (let i = first; i < argv.length - 1; i++) {
      if (is(argv[i]!, "store") || is(argv[i]!, "storedist")) {
        keys.push(i + 1);
        i++;
      }
    }
    return keys;
  };
}

export const geoFamily: CommandFamily = {
  group: "geo",
  commands: [
    ["geoadd",               -5, "write denyoom", [1, 1, 1], geoaddCommand],
    ["geopos",               -2, "readonly",      [1, 1, 1], geoposCommand],
    ["geodist",              -4, "readonly",      [1, 1, 1], geodistCommand],
    ["geohash",              -2, "readonly",      [1, 1, 1], geohashCommand],
    ["geosearch",            -7, "readonly",      [1, 1, 1], geosearchCommand],
    ["geosearchstore",       -8, "write denyoom", [1, 2, 1], geosearchstoreCommand],
    ["georadius",            -6, "write denyoom", [1, 1, 1], georadiusCommand, { keyFinder: georadiusKeys(6) }],
    ["georadiusbymember",    -5, "write denyoom", [1, 1, 1], georadiusbymemberCommand, { keyFinder: georadiusKeys(5) }],
    ["georadius_ro",         -6, "readonly",      [1, 1, 1], georadiusRoCommand],
    ["georadiusbymember_ro", -5, "readonly",      [1, 1, 1], georadiusbymemberRoCommand],
  ],
};
