/**
 * Persistence commands: SAVE, BGSAVE [SCHEDULE], LASTSAVE (server group) and DUMP / RESTORE
 * (generic group, same serializer as RDB files, Redis's payload format so payloads move between
 * Kedis and Redis both ways).
 */
import { Crc64 } from "../datastructures/crc64.ts";
import { build } from "../persistence/rdb/codecs.ts";
import * as F from "../persistence/rdb/format.ts";
import { RdbFormatError, RdbReader } from "../persistence/rdb/reader.ts";
import { dumpPayload } from "../persistence/rdb/save.ts";
import { E, fail } from "../protocol/errors.ts";
import { NOTIFY_GENERIC } from "../store/notify.ts";
import { intArg, is, latin1Bytes } from "./args.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

function saveCommand(c: CommandContext): void {
  const rdb = c.server.rdb;
  if (rdb.currentBgsave !== null) fail("ERR Background save already in progress");
  const err = rdb.save();
  if (err !== null) c.out.error(err);
  else c.out.ok();
}

function bgsaveCommand(c: CommandContext): void {
  const rdb = c.server.rdb;
  let schedule = false;
  if (c.argv.length === 2) {
    if (is(c.argv[1]!, "schedule")) schedule = true;
    else fail(E.SYNTAX);
  }
  if (rdb.currentBgsave !== null) {
    if (schedule) {
      rdb.scheduled = true;
      c.out.simple("Background saving scheduled");
      return;
    }
    fail("ERR Background save already in progress");
  }
  if (rdb.snapshotBusy) {
    if (!schedule) fail("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
    rdb.scheduled = true;
    c.out.simple("Background saving scheduled");
    return;
  }
  rdb.bgsave().catch(() => {});
  c.out.simple("Background saving started");
}

function bgrewriteaofCommand(c: CommandContext): void {
  const aof = c.server.aof;
  if (aof.rewrite !== null) fail("ERR Background append only file rewriting already in progress");
  if (c.ks.snapshotHook !== null) {
    aof.rewriteScheduled = true;
    c.out.simple("Background append only file rewriting scheduled");
    return;
  }
  const err = aof.startRewrite();
  if (err !== null) fail(err);
  c.out.simple("Background append only file rewriting started");
}

function dumpCommand(c: CommandContext): void {
  const e = c.db.lookupRead(c.argv[1]!);
  if (e === null) c.out.nullBulk();
  else c.out.bulk(dumpPayload(e));
}

/** Check a DUMP payload's footer (RDB version and CRC-64), as Redis's verifyDumpPayload. */
function verifyPayload(p: Uint8Array, checksum: boolean): boolean {
  if (p.length < 10) return false;
  const ver = p[p.length - 10]! | (p[p.length - 9]! << 8);
  if (ver > F.RDB_VERSION) return false;
  if (!checksum) return true;
  const stored = p.subarray(p.length - 8);
  const crc = new Crc64().update(p.subarray(0, p.length - 8)).bytesLE();
  for (let i = 0; i < 8; i++) if (crc[i] !== stored[i]) return false;
  return true;
}

function restoreCommand(c: CommandContext): void {
  const argv = c.argv;
  const key = argv[1]!;
  let ttl = intArg(argv[2]!);
  const payload = argv[3]!;
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let i = 4; i < argv.length; i++) {
    const a = argv[i]!;
    const more = i + 1 < argv.length;
    if (is(a, "replace")) replace = true;
    else if (is(a, "absttl")) absttl = true;
    else if (is(a, "idletime") && more && freq === -1) {
      idle = intArg(argv[++i]!);
      if (idle < 0) fail("ERR Invalid IDLETIME value, must be >= 0");
    } else if (is(a, "freq") && more && idle === -1) {
      freq = intArg(argv[++i]!);
      if (freq < 0 || freq > 255) fail("ERR Invalid FREQ value, must be >= 0 and <= 255");
    } else fail(E.SYNTAX);
  }
  if (!replace && c.db.lookupWrite(key) !== null) fail("BUSYKEY Target key name already exists.");
  if (ttl < 0) fail("ERR Invalid TTL value, must be >= 0");
  if (!verifyPayload(payload, c.server.config.getBool("rdbchecksum"))) fail("ERR DUMP payload version or checksum are wrong");
  let built;
  try {
    const r = new RdbReader(payload.subarray(0, payload.length - 10));
    const lv = r.object(r.byte());
    if (r.remaining !== 0) fail("ERR Bad data format");
    built = build(lv, { get: (n) => c.server.config.getInt(n) });
  } catch (e) {
    if (e instanceof RdbFormatError) fail("ERR Bad data format");
    throw e;
  }
  const now = c.ks.now;
  if (ttl > 0 && !absttl) ttl += now;
  const existed = replace && c.db.delete(key);
  if (ttl > 0 && ttl <= now && !c.ks.replica) {
    // Already expired: nothing is created (a replaced key was deleted, which propagates as DEL).
    if (existed) {
      c.server.dirty++;
      c.propArgv = [latin1Bytes("DEL"), key];
      c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, c.db.id);
    }
    c.out.ok();
    return;
  }
  const e = c.db.add(key, built.type, built.value, built.enc);
  if (ttl > 0) c.db.setExpire(e, ttl);
  if (freq >= 0) e.lru = freq;
  else if (idle >= 0) e.lru = (c.ks.lruClock - idle) & 0xffffff;
  c.server.dirty++;
  const prop = [latin1Bytes("RESTORE"), key, latin1Bytes(String(ttl)), payload, latin1Bytes("REPLACE")];
  if (ttl > 0) prop.push(latin1Bytes("ABSTTL"));
  c.propArgv = prop;
  c.server.notifyKeyspaceEvent(NOTIFY_GENERIC, "restore", key, c.db.id);
  c.out.ok();
}

export const persistenceFamily: CommandFamily = {
  group: "server",
  commands: [
    ["save",     1, "admin noscript no_async_loading no_multi", [0, 0, 0], saveCommand],
    ["bgsave",  -1, "admin noscript no_async_loading",          [0, 0, 0], bgsaveCommand],
    ["bgrewriteaof", 1, "admin noscript no_async_loading",      [0, 0, 0], bgrewriteaofCommand],
  ],
};

export const dumpFamily: CommandFamily = {
  group: "generic",
  commands: [
    ["dump",     2, "readonly",       [1, 1, 1], dumpCommand, { acl: "@keyspace" }],
    ["restore", -4, "write denyoom",  [1, 1, 1], restoreCommand, { acl: "@keyspace @dangerous" }],
  ],
};
