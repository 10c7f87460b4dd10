/**
 * HyperLogLog commands (Redis group "hyperloglog"): PFADD, PFCOUNT, PFMERGE, PFDEBUG,
 * PFSELFTEST. Values are strings in Redis's exact HLL format (datastructures/hyperloglog.ts),
 * so they read back byte for byte like Redis's (GET, DUMP) and travel both ways.
 *
 * As in Redis: a touched HLL is stored "raw" (dbUnshareStringValue); PFADD creating a key counts
 * as a change (and so leaves the cached cardinality stale); PFCOUNT of one key refreshes the
 * cached cardinality in the value and is then propagated (it changed the string); PFDEBUG
 * GETREG/TODENSE propagate when they convert to dense. Strings that are not HLLs get
 * `WRONGTYPE Key is not a valid HyperLogLog string value.`, corrupt ones `INVALIDOBJ ...`.
 */
import {
  HLL_DENSE,
  HLL_REGISTERS,
  HLL_SPARSE,
  cachedCard,
  createHll,
  denseGet,
  hllAdd,
  hllCount,
  hllEncoding,
  hllInvalidate,
  hllMergeInto,
  hllPatLen,
  hllSetRegister,
  hllToDense,
  isHll,
  rawCount,
  setCachedCard,
  sparseDecode,
  type HllRef,
} from "../datastructures/hyperloglog.ts";
import { E, fail } from "../protocol/errors.ts";
import { NOTIFY_STRING } from "../store/notify.ts";
import { ENC_INT, ENC_RAW, OBJ_STRING, type KeyEntry } from "../store/value.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

const ERR_INVALID = "INVALIDOBJ Corrupted HLL object detected";
const ERR_NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";

/** The HLL an entry holds (null when missing); WRONGTYPE texts like isHLLObjectOrReply. */
function hllOf(e: KeyEntry | null): Uint8Array | null {
  if (e === null) return null;
  if (e.type !== OBJ_STRING) fail(E.WRONGTYPE);
  const v = e.value as Uint8Array;
  if (e.enc === ENC_INT || !isHll(v)) fail(ERR_NOT_HLL);
  return v;
}

function sparseMax(c: CommandContext): number {
  return c.server.config.getInt("hll-sparse-max-bytes");
}

/** Store an edited value back in its entry (raw, like Redis's unshared strings). */
function store(e: KeyEntry, b: Uint8Array): void {
  e.value = b;
  e.enc = ENC_RAW;
}

function pfaddCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  let e = c.db.lookupWrite(key);
  let updated = 0;
  let ref: HllRef;
  if (e === null) {
    ref = { b: createHll() };
    e = c.db.add(key, OBJ_STRING, ref.b, ENC_RAW);
    updated++;
  } else {
    ref = { b: hllOf(e)! };
    e.enc = ENC_RAW;
  }
  const max = sparseMax(c);
  for (let j = 2; j < argv.length; j++) {
    const r = hllAdd(ref, argv[j]!, max);
    if (r === 1) updated++;
    else if (r === -1) {
      store(e, ref.b);
      fail(ERR_INVALID);
    }
  }
  store(e, ref.b);
  if (updated > 0) {
    hllInvalidate(ref.b);
    c.ks.hooks.keyModified(c.db, key);
    c.server.notifyKeyspaceEvent(NOTIFY_STRING, "pfadd", key, c.db.id);
    c.server.dirty += updated;
  }
  c.out.integer(updated > 0 ? 1 : 0);
}

function pfcountCommand(c: CommandContext): void {
  const argv = c.argv;
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const b = hllOf(c.db.lookupRead(argv[j]!));
      if (b === null) continue;
      if (!hllMergeInto(max, b)) fail(ERR_INVALID);
    }
    c.out.integer(rawCount(max));
    return;
  }
  const key = argv[1]!;
  const e = c.db.lookupRead(key);
  const b = hllOf(e);
  if (e === null || b === null) return c.out.integer(0);
  e.enc = ENC_RAW;
  let card = cachedCard(b);
  if (card < 0) {
    card = hllCount(b);
    if (card < 0) fail(ERR_INVALID);
    c.db.lookupWrite(key); // copy-before-write for a running snapshot
    setCachedCard(b, card);
    c.ks.hooks.keyModified(c.db, key);
    c.server.dirty++;
    // A read-only command that changed the string: propagate it (Redis does, through dirty).
    c.alsoPropagate = [argv];
  }
  c.out.integer(card);
}

function pfmergeCommand(c: CommandContext): void {
  const argv = c.argv;
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const b = hllOf(c.db.lookupRead(argv[j]!));
    if (b === null) continue;
    if (hllEncoding(b) === HLL_DENSE) useDense = true;
    if (!hllMergeInto(max, b)) fail(ERR_INVALID);
  }
  const key = argv[1]!;
  let e = c.db.lookupWrite(key);
  let ref: HllRef;
  if (e === null) {
    ref = { b: createHll() };
    e = c.db.add(key, OBJ_STRING, ref.b, ENC_RAW);
  } else ref = { b: e.value as Uint8Array };
  if (useDense && hllToDense(ref) === null) {
    store(e, ref.b);
    fail(ERR_INVALID);
  }
  const limit = sparseMax(c);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    if (max[j] === 0) continue;
    hllSetRegister(ref, j, max[j]!, limit);
  }
  hllInvalidate(ref.b);
  store(e, ref.b);
  c.ks.hooks.keyModified(c.db, key);
  c.server.notifyKeyspaceEvent(NOTIFY_STRING, "pfadd", key, c.db.id);
  c.server.dirty++;
  c.out.ok();
}

function pfdebugCommand(c: CommandContext): void {
  const argv = c.argv;
  const sub = argv[1]!;
  const e = c.db.lookupWrite(argv[2]!);
  if (e === null) fail("ERR The specified key does not exist");
  const ref: HllRef = { b: hllOf(e)! };
  e.enc = ENC_RAW;
  const name = latin1Lower(sub);
  if (name === "getreg") {
    if (hllEncoding(ref.b) === HLL_SPARSE) {
      if (hllToDense(ref) === null) fail(ERR_INVALID);
      store(e, ref.b);
      c.server.dirty++;
    }
    c.out.arrayLen(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) c.out.integer(denseGet(ref.b, j));
  } else if (name === "decode") {
    if (hllEncoding(ref.b) !== HLL_SPARSE) fail("ERR HLL encoding is not sparse");
    c.out.bulkString(sparseDecode(ref.b));
  } else if (name === "encoding") {
    c.out.simple(hllEncoding(ref.b) === HLL_DENSE ? "dense" : "sparse");
  } else if (name === "todense") {
    let conv = false;
    if (hllEncoding(ref.b) === HLL_SPARSE) {
      if (hllToDense(ref) === null) fail(ERR_INVALID);
      store(e, ref.b);
      conv = true;
      c.server.dirty++;
    }
    c.out.integer(conv ? 1 : 0);
  } else {
    fail(`ERR Unknown PFDEBUG subcommand '${cText(sub)}'`);
  }
}

function latin1Lower(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) {
    let ch = b[i]!;
    if (ch >= 65 && ch <= 90) ch |= 0x20;
    s += String.fromCharCode(ch);
  }
  return s;
}

function cText(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length && b[i] !== 0; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * PFSELFTEST: register access on random values, then dense and sparse HLLs fed the same unique
 * elements agree with each other and stay within 6 standard errors at each power of ten. Kedis
 * runs fewer rounds than Redis (10 register cycles, 1,000,000 elements) to keep the server
 * responsive; the checks and error texts are Redis's.
 */
function pfselftestCommand(c: CommandContext): void {
  const dense = new Uint8Array(16 + (HLL_REGISTERS * 6) / 8);
  dense.set([0x48, 0x59, 0x4c, 0x4c, HLL_DENSE]);
  const bytes = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < 10; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = Math.floor(Math.random() * 64);
      bytes[i] = r;
      setReg(dense, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(dense, i);
      if (v !== bytes[i]) fail(`TESTFAILED Register ${i} should be ${bytes[i]} but is ${v}`);
    }
  }
  dense.fill(0, 16);
  const sparse: HllRef = { b: createHll() };
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedLo = (Math.random() * 2 ** 32) >>> 0;
  const seedHi = (Math.random() * 2 ** 32) >>> 0;
  const ele = new Uint8Array(8);
  const dv = new DataView(ele.buffer);
  const limit = sparseMax(c);
  for (let j = 1; j <= 1_000_000; j++) {
    dv.setUint32(0, (j ^ seedLo) >>> 0, true);
    dv.setUint32(4, seedHi, true);
    const [idx, count] = hllPatLen(ele);
    if (count > denseGet(dense, idx)) setReg(dense, idx, count);
    hllAdd(sparse, ele, limit);
    if (j === checkpoint) {
      if (j < limit / 2 && hllEncoding(sparse.b) !== HLL_SPARSE) fail("TESTFAILED sparse encoding not used");
      const cd = hllCount(dense);
      if (cd !== hllCount(sparse.b)) fail("TESTFAILED dense/sparse disagree");
      const abserr = Math.abs(checkpoint - cd);
      let maxerr = Math.ceil(relerr * 6 * checkpoint);
      if (j === 10) maxerr = 1;
      if (abserr > maxerr) fail(`TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
      checkpoint *= 10;
    }
  }
  c.out.ok();
}

/** Set a dense register exactly (the self-test writes arbitrary values, lower ones included). */
function setReg(b: Uint8Array, i: number, v: number): void {
  const bit = i * 6;
  const byte = 16 + (bit >>> 3);
  const fb = bit & 7;
  b[byte] = (b[byte]! & ~(63 << fb)) | ((v << fb) & 0xff);
  if (byte + 1 < b.length) b[byte + 1] = (b[byte + 1]! & ~(63 >> (8 - fb))) | (v >> (8 - fb));
}

export const hyperloglogFamily: CommandFamily = {
  group: "hyperloglog",
  commands: [
    ["pfadd",      -2, "write denyoom fast",       [1, 1, 1],  pfaddCommand],
    ["pfcount",    -2, "readonly",                 [1, -1, 1], pfcountCommand],
    ["pfmerge",    -2, "write denyoom",            [1, -1, 1], pfmergeCommand],
    ["pfdebug",     3, "write denyoom admin",      [2, 2, 1],  pfdebugCommand],
    ["pfselftest",  1, "admin",                    [0, 0, 0],  pfselftestCommand],
  ],
};
