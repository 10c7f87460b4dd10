/**
 * Bitmap commands (Redis group "bitmap"): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD,
 * BITFIELD_RO. Bitmaps are plain string values; bit 0 is the most significant bit of byte 0.
 *
 * Writes make the value `raw` and writable in place (store/types/string.ts), growing it with
 * zero bytes as needed. Like Redis 7.0, a write counts as a change (dirty, keyspace event) only
 * when it created or grew the string or changed a bit. BITFIELD values use bigint: fields reach
 * i64/u63.
 */
import { E, fail } from "../protocol/errors.ts";
import { NOTIFY_GENERIC, NOTIFY_STRING } from "../store/notify.ts";
import { writableString, zeroString } from "../store/types/string.ts";
import { ENC_RAW, OBJ_STRING, type KeyEntry } from "../store/value.ts";
import { parseInt64 } from "../util/numbers.ts";
import { bigIntArg, intArg, is } from "./args.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";
import { signalModified, stringOf } from "./string.ts";

const EMPTY = new Uint8Array(0);

const ERR_BITPOS_BIT = "ERR The bit argument must be 1 or 0.";
const ERR_BITOP_NOT = "ERR BITOP NOT must be called with a single source key.";
const ERR_BITFIELD_TYPE = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const ERR_BITFIELD_OVERFLOW = "ERR Invalid OVERFLOW type specified";
const ERR_BITFIELD_RO = "ERR BITFIELD_RO only supports the GET subcommand";

/** Set bits per byte value. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

// -------------------------------------------------------------------------------------------------
// Helpers

/**
 * Redis's getBitOffsetFromArgument: a non-negative integer bit offset below proto-max-bulk-len
 * bytes; with `hash`, "#N" means N * bits (BITFIELD).
 */
function bitOffsetArg(c: CommandContext, arg: Uint8Array, hash: boolean, bits: number): number {
  const useHash = hash && arg.length > 0 && arg[0] === 0x23;
  let n = parseInt64(useHash ? arg.subarray(1) : arg);
  if (Number.isNaN(n) || n < 0) fail(E.BIT_OFFSET);
  if (useHash) n *= bits;
  if (Math.floor(n / 8) >= c.server.readerLimits.maxBulkLen) fail(E.BIT_OFFSET);
  return n;
}

/**
 * Redis's lookupStringForBitCommand: the string at `key` made writable and at least long enough
 * to hold bit `maxBit`, created zero-filled when missing. Returns the entry and whether the
 * string was created or grown (which makes every write a change).
 */
function stringForBitWrite(c: CommandContext, key: Uint8Array, maxBit: number): [KeyEntry, boolean] {
  const need = Math.floor(maxBit / 8) + 1;
  const e = c.db.lookupWrite(key);
  if (e === null) return [c.db.add(key, OBJ_STRING, zeroString(need), ENC_RAW), true];
  const cur = stringOf(e)!;
  e.value = writableString(cur, need);
  e.enc = ENC_RAW;
  return [e, cur.length < need];
}

function bitAt(v: Uint8Array, offset: number): number {
  const byte = Math.floor(offset / 8);
  return byte < v.length ? (v[byte]! >> (7 - (offset & 7))) & 1 : 0;
}

/** Count set bits in v over the bit range [from, to] (inclusive, within v). */
function countBits(v: Uint8Array, from: number, to: number): number {
  const first = Math.floor(from / 8);
  const last = Math.floor(to / 8);
  let n = 0;
  for (let i = first; i <= last; i++) n += POPCOUNT[v[i]!]!;
  // Remove the bits before `from` in the first byte and after `to` in the last.
  n -= POPCOUNT[v[first]! & (0xff << (8 - (from & 7))) & 0xff]!;
  n -= POPCOUNT[v[last]! & (0xff >> ((to & 7) + 1))]!;
  return n;
}

/** First bit equal to `bit` in v over [from, to] (inclusive, within v), or -1. */
function findBit(v: Uint8Array, bit: number, from: number, to: number): number {
  const skip = bit === 1 ? 0x00 : 0xff;
  let p = from;
  while (p <= to) {
    if ((p & 7) === 0 && p + 7 <= to) {
      const byte = v[p / 8]!;
      if (byte === skip) {
        p += 8;
        continue;
      }
    }
    if (bitAt(v, p) === bit) return p;
    p++;
  }
  return -1;
}

// -------------------------------------------------------------------------------------------------
// SETBIT / GETBIT

function setbitCommand(c: CommandContext): void {
  const key = c.argv[1]!;
  const offset = bitOffsetArg(c, c.argv[2]!, false, 0);
  const on = parseInt64(c.argv[3]!);
  if (on !== 0 && on !== 1) fail(E.BIT_VALUE);
  const [e, grown] = stringForBitWrite(c, key, offset);
  const v = e.value as Uint8Array;
  const byte = Math.floor(offset / 8);
  const shift = 7 - (offset & 7);
  const old = (v[byte]! >> shift) & 1;
  if (grown || old !== on) {
    v[byte] = (v[byte]! & ~(1 << shift)) | (on << shift);
    signalModified(c, e);
    c.server.notifyKeyspaceEvent(NOTIFY_STRING, "setbit", key, c.db.id);
    c.server.dirty++;
  }
  c.out.integer(old);
}

function getbitCommand(c: CommandContext): void {
  const offset = bitOffsetArg(c, c.argv[2]!, false, 0);
  const v = stringOf(c.db.lookupRead(c.argv[1]!));
  c.out.integer(v === null ? 0 : bitAt(v, offset));
}

// -------------------------------------------------------------------------------------------------
// BITCOUNT / BITPOS

/** BYTE (false) or BIT (true) unit argument. */
function unitArg(arg: Uint8Array): boolean {
  if (is(arg, "bit")) return true;
  if (is(arg, "byte")) return false;
  fail(E.SYNTAX);
}

/**
 * Clamp a [start, end] range (negative counts from the end) to [0, total-1]; null when empty.
 * Bigints because arguments may be any 64-bit value.
 */
function clampRange(start: bigint, end: bigint, total: number): [number, number] | null {
  const t = BigInt(total);
  if (start < 0n) start += t;
  if (end < 0n) end += t;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= t) end = t - 1n;
  if (start > end) return null;
  return [Number(start), Number(end)];
}

/** BITCOUNT: a missing key counts 0 before its range arguments are even looked at. */
function bitcountCommand(c: CommandContext): void {
  const argv = c.argv;
  const v = stringOf(c.db.lookupRead(argv[1]!));
  if (v === null) {
    c.out.integer(0);
    return;
  }
  if (argv.length === 2) {
    c.out.integer(v.length === 0 ? 0 : countBits(v, 0, v.length * 8 - 1));
    return;
  }
  if (argv.length !== 4 && argv.length !== 5) fail(E.SYNTAX);
  const start = bigIntArg(argv[2]!);
  const end = bigIntArg(argv[3]!);
  const isBit = argv.length === 5 ? unitArg(argv[4]!) : false;
  if (start < 0n && end < 0n && start > end) {
    c.out.integer(0);
    return;
  }
  const r = clampRange(start, end, isBit ? v.length * 8 : v.length);
  if (r === null) {
    c.out.integer(0);
    return;
  }
  c.out.integer(isBit ? countBits(v, r[0], r[1]) : countBits(v, r[0] * 8, r[1] * 8 + 7));
}

/**
 * BITPOS key bit [start [end [BYTE|BIT]]]. Looking for a 0 without an explicit end treats the
 * string as followed by zeros, so the answer may be the first bit after it.
 */
function bitposCommand(c: CommandContext): void {
  const argv = c.argv;
  const bit = intArg(argv[2]!);
  if (bit !== 0 && bit !== 1) fail(ERR_BITPOS_BIT);
  const v = stringOf(c.db.lookupRead(argv[1]!));
  if (v === null) {
    c.out.integer(bit === 1 ? -1 : 0);
    return;
  }
  let start = 0n;
  let end = -1n;
  let isBit = false;
  let endGiven = false;
  if (argv.length >= 4 && argv.length <= 6) {
    start = bigIntArg(argv[3]!);
    if (argv.length === 6) isBit = unitArg(argv[5]!);
    if (argv.length >= 5) {
      end = bigIntArg(argv[4]!);
      endGiven = true;
    }
  } else if (argv.length !== 3) fail(E.SYNTAX);
  const total = isBit ? v.length * 8 : v.length;
  if (!endGiven) end = BigInt(total - 1);
  const r = clampRange(start, end, total);
  if (r === null) {
    c.out.integer(-1);
    return;
  }
  const from = isBit ? r[0] : r[0] * 8;
  const to = isBit ? r[1] : r[1] * 8 + 7;
  const pos = findBit(v, bit, from, to);
  if (pos >= 0) c.out.integer(pos);
  else c.out.integer(bit === 0 && !endGiven ? to + 1 : -1);
}

// -------------------------------------------------------------------------------------------------
// BITOP

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

function bitopCommand(c: CommandContext): void {
  const argv = c.argv;
  const opArg = argv[1]!;
  let op: number;
  if (is(opArg, "and")) op = OP_AND;
  else if (is(opArg, "or")) op = OP_OR;
  else if (is(opArg, "xor")) op = OP_XOR;
  else if (is(opArg, "not")) op = OP_NOT;
  else fail(E.SYNTAX);
  if (op === OP_NOT && argv.length !== 4) fail(ERR_BITOP_NOT);
  const srcs: Uint8Array[] = [];
  let maxLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const s = stringOf(c.db.lookupRead(argv[j]!)) ?? EMPTY;
    srcs.push(s);
    if (s.length > maxLen) maxLen = s.length;
  }
  const dest = argv[2]!;
  if (maxLen === 0) {
    if (c.db.delete(dest)) {
      c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", dest, c.db.id);
      c.server.dirty++;
    }
    c.out.integer(0);
    return;
  }
  const res = new Uint8Array(maxLen);
  const first = srcs[0]!;
  if (op === OP_NOT) {
    for (let i = 0; i < maxLen; i++) res[i] = ~first[i]! & 0xff;
  } else {
    res.set(first);
    for (let s = 1; s < srcs.length; s++) {
      const src = srcs[s]!;
      const n = src.length;
      if (op === OP_AND) {
        for (let i = 0; i < n; i++) res[i]! &= src[i]!;
        res.fill(0, n);
      } else if (op === OP_OR) {
        for (let i = 0; i < n; i++) res[i]! |= src[i]!;
      } else {
        for (let i = 0; i < n; i++) res[i]! ^= src[i]!;
      }
    }
  }
  c.db.set(dest, OBJ_STRING, res, false, ENC_RAW);
  c.server.notifyKeyspaceEvent(NOTIFY_STRING, "set", dest, c.db.id);
  c.server.dirty++;
  c.out.integer(maxLen);
}

// -------------------------------------------------------------------------------------------------
// BITFIELD

const BF_GET = 0;
const BF_SET = 1;
const BF_INCRBY = 2;
const OW_WRAP = 0;
const OW_SAT = 1;
const OW_FAIL = 2;

interface FieldOp {
  op: number;
  signed: boolean;
  bits: number;
  offset: number;
  /** SET value or INCRBY increment. */
  value: bigint;
  overflow: number;
}

/** "i<1..64>" or "u<1..63>" (lowercase only, like Redis). */
function fieldTypeArg(arg: Uint8Array): [boolean, number] {
  const t = arg[0];
  if (t !== 0x69 && t !== 0x75) fail(ERR_BITFIELD_TYPE);
  const signed = t === 0x69;
  const bits = parseInt64(arg.subarray(1));
  if (Number.isNaN(bits) || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) fail(ERR_BITFIELD_TYPE);
  return [signed, bits];
}

/** The unsigned value of `bits` bits at `offset` (MSB first); bits past the string read as 0. */
function readField(v: Uint8Array, offset: number, bits: number): bigint {
  if (bits <= 48) {
    let r = 0;
    for (let i = 0; i < bits; i++) r = r * 2 + bitAt(v, offset + i);
    return BigInt(r);
  }
  let hi = 0;
  const hiBits = bits - 32;
  for (let i = 0; i < hiBits; i++) hi = hi * 2 + bitAt(v, offset + i);
  let lo = 0;
  for (let i = hiBits; i < bits; i++) lo = lo * 2 + bitAt(v, offset + i);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Write the low `bits` bits of `value` (≥ 0) at `offset`; the string is long enough. */
function writeField(v: Uint8Array, offset: number, bits: number, value: bigint): void {
  const hi = Number(value >> 32n);
  const lo = Number(value & 0xffffffffn);
  for (let i = 0; i < bits; i++) {
    const fromLsb = bits - 1 - i;
    const b = fromLsb < 32 ? (lo >>> fromLsb) & 1 : (hi >>> (fromLsb - 32)) & 1;
    const o = offset + i;
    const byte = Math.floor(o / 8);
    const shift = 7 - (o & 7);
    v[byte] = (v[byte]! & ~(1 << shift)) | (b << shift);
  }
}

function toSigned(u: bigint, bits: number): bigint {
  return u >= 1n << BigInt(bits - 1) ? u - (1n << BigInt(bits)) : u;
}

/**
 * Apply the overflow policy to an exact result: the value to store, or null when FAIL refuses.
 * Unsigned fields see a SET value as its 64-bit unsigned form (so -1 overflows upward).
 */
function fitField(x: bigint, f: FieldOp): bigint | null {
  const bits = BigInt(f.bits);
  const span = 1n << bits;
  const min = f.signed ? -(span >> 1n) : 0n;
  const max = f.signed ? (span >> 1n) - 1n : span - 1n;
  if (!f.signed && f.op === BF_SET && x < 0n) x += 1n << 64n;
  if (x >= min && x <= max) return x;
  if (f.overflow === OW_FAIL) return null;
  if (f.overflow === OW_SAT) return x > max ? max : min;
  const m = (((x - min) % span) + span) % span;
  return m + min;
}

function bitfieldGeneric(c: CommandContext, readOnly: boolean): void {
  const argv = c.argv;
  const ops: FieldOp[] = [];
  let overflow = OW_WRAP;
  let writes = false;
  for (let j = 2; j < argv.length; j++) {
    const sub = argv[j]!;
    const rem = argv.length - j - 1;
    let op: number;
    if (is(sub, "get") && rem >= 2) op = BF_GET;
    else if (is(sub, "set") && rem >= 3) op = BF_SET;
    else if (is(sub, "incrby") && rem >= 3) op = BF_INCRBY;
    else if (is(sub, "overflow") && rem >= 1) {
      const w = argv[++j]!;
      if (is(w, "wrap")) overflow = OW_WRAP;
      else if (is(w, "sat")) overflow = OW_SAT;
      else if (is(w, "fail")) overflow = OW_FAIL;
      else fail(ERR_BITFIELD_OVERFLOW);
      continue;
    } else fail(E.SYNTAX);
    const [signed, bits] = fieldTypeArg(argv[j + 1]!);
    const offset = bitOffsetArg(c, argv[j + 2]!, true, bits);
    let value = 0n;
    if (op !== BF_GET) {
      value = bigIntArg(argv[j + 3]!);
      writes = true;
      j += 3;
    } else j += 2;
    ops.push({ op, signed, bits, offset, value, overflow });
  }
  if (readOnly && writes) fail(ERR_BITFIELD_RO);

  const key = argv[1]!;
  let e: KeyEntry | null;
  let grown = false;
  if (writes) {
    let maxBit = 0;
    for (const f of ops) if (f.op !== BF_GET && f.offset + f.bits - 1 > maxBit) maxBit = f.offset + f.bits - 1;
    [e, grown] = stringForBitWrite(c, key, maxBit);
  } else {
    e = c.db.lookupRead(key);
    stringOf(e);
  }
  const v = e === null ? EMPTY : (e.value as Uint8Array);
  c.out.arrayLen(ops.length);
  let changes = 0;
  for (const f of ops) {
    const raw = readField(v, f.offset, f.bits);
    const old = f.signed ? toSigned(raw, f.bits) : raw;
    if (f.op === BF_GET) {
      c.out.integer(old);
      continue;
    }
    const next = fitField(f.op === BF_SET ? f.value : old + f.value, f);
    if (next === null) {
      c.out.nullBulk();
      continue;
    }
    const span = 1n << BigInt(f.bits);
    writeField(v, f.offset, f.bits, next < 0n ? next + span : next);
    if (grown || next !== old) changes++;
    c.out.integer(f.op === BF_SET ? old : next);
  }
  if (changes > 0 && e !== null) {
    signalModified(c, e);
    c.server.notifyKeyspaceEvent(NOTIFY_STRING, "setbit", key, c.db.id);
    c.server.dirty += changes;
  }
}

function bitfieldCommand(c: CommandContext): void {
  bitfieldGeneric(c, false);
}

function bitfieldRoCommand(c: CommandContext): void {
  bitfieldGeneric(c, true);
}

export const bitmapFamily: CommandFamily = {
  group: "bitmap",
  commands: [
    ["bitcount",    -2, "readonly",      [1, 1, 1], bitcountCommand],
    ["bitfield",    -2, "write denyoom", [1, 1, 1], bitfieldCommand],
    ["bitfield_ro", -2, "readonly fast", [1, 1, 1], bitfieldRoCommand],
    ["bitop",       -4, "write denyoom", [2, -1, 1], bitopCommand],
    ["bitpos",      -3, "readonly",      [1, 1, 1], bitposCommand],
    ["getbit",       3, "readonly fast", [1, 1, 1], getbitCommand],
    ["setbit",       4, "write denyoom", [1, 1, 1], setbitCommand],
  ],
};
