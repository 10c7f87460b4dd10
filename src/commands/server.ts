/**
 * Server administration commands (Redis group "server"): INFO, TIME, LASTSAVE, SHUTDOWN,
 * SLOWLOG, LATENCY, MEMORY, DEBUG and MODULE.
 *
 * DEBUG keeps a registry of subcommands (`registerDebugSubcommand`) so that layers owning a
 * feature add their own (persistence: RELOAD, LOADAOF; data types: DIGEST-VALUE, LISTPACK).
 * MEMORY USAGE asks a collection for `memoryUsage(samples)` when it has one and estimates
 * otherwise; strings are sized the way Redis 7.0 sizes them (robj + sds in jemalloc classes).
 */
import { E, fail } from "../protocol/errors.ts";
import { ENC_EMBSTR, ENC_INT, OBJ_STRING, encodingName, type Collection, type KeyEntry } from "../store/value.ts";
import { intArg, is, latin1, latin1Bytes } from "./args.ts";
import { containerCommand, replyHelp } from "./config.ts";
import type { CommandContext } from "./context.ts";
import type { CommandFamily } from "./spec.ts";

// =================================================================================================
// INFO, TIME, LASTSAVE

function infoCommand(c: CommandContext): void {
  const text = c.server.admin.info(c.argv.slice(1).map(latin1));
  c.out.verbatim(text);
}

function timeCommand(c: CommandContext): void {
  // Microseconds from the high-resolution clock unless a test injected its own clock.
  const ms = c.server.clock === Date.now ? performance.timeOrigin + performance.now() : c.server.clock();
  const usec = Math.floor(ms * 1000);
  c.out.arrayLen(2);
  c.out.bulkInt(Math.floor(usec / 1e6));
  c.out.bulkInt(usec % 1e6);
}

function lastsaveCommand(c: CommandContext): void {
  c.out.integer(c.server.lastSave);
}

// =================================================================================================
// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]

function shutdownCommand(c: CommandContext): void {
  let save: boolean | null = null;
  let now = false;
  let force = false;
  let abort = false;
  for (let i = 1; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (is(a, "nosave")) {
      if (save === true) fail(E.SYNTAX);
      save = false;
    } else if (is(a, "save")) {
      if (save === false) fail(E.SYNTAX);
      save = true;
    } else if (is(a, "now")) now = true;
    else if (is(a, "force")) force = true;
    else if (is(a, "abort")) abort = true;
    else fail(E.SYNTAX);
  }
  if (abort) {
    if (c.argv.length !== 2) fail(E.SYNTAX);
    fail("ERR No shutdown in progress.");
  }
  if (!c.server.shutdown({ save, now, force })) fail("ERR Errors trying to SHUTDOWN. Check logs.");
}

// =================================================================================================
// SLOWLOG

function slowlogGetCommand(c: CommandContext): void {
  const log = c.server.slowlog;
  let count = 10;
  if (c.argv.length > 3) {
    fail(E.unknownSubcommandOrWrongArgs(latin1(c.argv[1]!), "SLOWLOG"));
  }
  if (c.argv.length === 3) {
    count = intArg(c.argv[2]!, "ERR count should be greater than or equal to -1");
    if (count < -1) fail("ERR count should be greater than or equal to -1");
    if (count === -1) count = log.entries.length;
  }
  const n = Math.min(count, log.entries.length);
  c.out.arrayLen(n);
  for (let i = 0; i < n; i++) {
    const e = log.entries[i]!;
    c.out.arrayLen(6);
    c.out.integer(e.id);
    c.out.integer(e.time);
    c.out.integer(e.duration);
    c.out.bulkArray(e.argv);
    c.out.bulk(latin1Bytes(e.peer));
    c.out.bulk(latin1Bytes(e.name));
  }
}

function slowlogLenCommand(c: CommandContext): void {
  c.out.integer(c.server.slowlog.entries.length);
}

function slowlogResetCommand(c: CommandContext): void {
  c.server.slowlog.reset();
  c.out.ok();
}

function slowlogHelpCommand(c: CommandContext): void {
  replyHelp(c, "SLOWLOG", [
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
  ]);
}

// =================================================================================================
// LATENCY

function latencyLatestCommand(c: CommandContext): void {
  const ev = c.server.latency.events;
  c.out.arrayLen(ev.size);
  for (const [name, s] of ev) {
    const last = s.latest();
    c.out.arrayLen(4);
    c.out.bulk(latin1Bytes(name));
    c.out.integer(last.time);
    c.out.integer(last.latency);
    c.out.integer(s.max);
  }
}

function latencyHistoryCommand(c: CommandContext): void {
  const s = c.server.latency.events.get(latin1(c.argv[2]!));
  const hist = s === undefined ? [] : s.history();
  c.out.arrayLen(hist.length);
  for (const x of hist) {
    c.out.arrayLen(2);
    c.out.integer(x.time);
    c.out.integer(x.latency);
  }
}

function latencyResetCommand(c: CommandContext): void {
  c.out.integer(c.server.latency.reset(c.argv.slice(2).map(latin1)));
}

function latencyGraphCommand(c: CommandContext): void {
  const event = latin1(c.argv[2]!);
  const g = c.server.latency.graph(event);
  if (g === null) fail(`ERR No samples available for event '${event}'`);
  c.out.verbatim(g);
}

function latencyDoctorCommand(c: CommandContext): void {
  c.out.verbatim(latencyReport(c));
}

function latencyReport(c: CommandContext): string {
  const mon = c.server.latency;
  if (mon.threshold === 0 && mon.events.size === 0) {
    return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
  }
  if (mon.events.size === 0) {
    return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n";
  }
  let out = "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
  let i = 1;
  let commandEvents = false;
  for (const [name, s] of mon.events) {
    const h = s.history();
    const avg = h.reduce((a, x) => a + x.latency, 0) / Math.max(1, h.length);
    const dev = h.reduce((a, x) => a + Math.abs(x.latency - avg), 0) / Math.max(1, h.length);
    const period = h.length > 1 ? (h[h.length - 1]!.time - h[0]!.time) / (h.length - 1) : 0;
    out += `${i++}. ${name}: ${h.length} latency spikes (average ${Math.round(avg)}ms, mean deviation ${Math.round(dev)}ms, period ${period.toFixed(2)} sec). Worst all time event ${s.max}ms.\n`;
    if (name === "command" || name === "fast-command") commandEvents = true;
  }
  out += "\nI have a few advices for you:\n\n";
  if (commandEvents) {
    out += "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n";
    out += "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to: 1) Lower the system load. 2) Use a computer / VM just for Redis if you are running other software in the same system. 3) Check if you have a \"noisy neighbour\" problem.\n";
  } else {
    out += "- Check the latency history of the events listed above with LATENCY HISTORY <event>.\n";
  }
  return out;
}

function latencyHistogramCommand(c: CommandContext): void {
  const reg = c.server.registry;
  const hist = c.server.histograms;
  const specs =
    c.argv.length === 2
      ? reg.specs
      : c.argv.slice(2).flatMap((a) => {
          const s = reg.byName(latin1(a).toLowerCase());
          if (s === null) return [];
          return s.subcommands === null ? [s] : [s, ...s.subcommands.values()];
        });
  const chosen = [...new Set(specs)].filter((s) => hist.count(s.id) > 0);
  c.out.mapLen(chosen.length);
  for (const s of chosen) {
    c.out.bulk(latin1Bytes(s.name));
    c.out.mapLen(2);
    c.out.bulk(latin1Bytes("calls"));
    c.out.integer(hist.count(s.id));
    c.out.bulk(latin1Bytes("histogram_usec"));
    const cdf = hist.cumulative(s.id);
    c.out.mapLen(cdf.length);
    for (const [bucket, n] of cdf) {
      c.out.integer(bucket);
      c.out.integer(n);
    }
  }
}

function latencyHelpCommand(c: CommandContext): void {
  replyHelp(c, "LATENCY", [
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
    "    If no commands are specified then all histograms are replied.",
  ]);
}

// =================================================================================================
// MEMORY

/** jemalloc's size class for an allocation of `n` bytes (Redis's zmalloc_size). */
export function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 16) return 16;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  // Four classes per doubling above 128: 160, 192, 224, 256, 320, ...
  let group = 128;
  while (group * 2 < n) group *= 2;
  const step = group / 4;
  return Math.ceil(n / step) * step;
}

/** sds allocation for a string of `len` bytes (header by length, plus the terminator). */
function sdsAlloc(len: number, minType8 = false): number {
  const hdr = len < 32 && !minType8 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : len < 2 ** 32 ? 9 : 17;
  return jemallocSize(hdr + len + 1);
}

const ROBJ = 16;
const DICT_ENTRY = 24;

/** A collection may report its own size; see the module comment. */
interface SizedCollection extends Collection {
  memoryUsage(samples: number): number;
}

function hasMemoryUsage(v: Collection): v is SizedCollection {
  return typeof (v as Partial<SizedCollection>).memoryUsage === "function";
}

/** Bytes a value takes, as Redis's objectComputeSize would report (collections estimated). */
export function valueMemoryUsage(e: KeyEntry, samples: number): number {
  if (e.type === OBJ_STRING) {
    const v = e.value as Uint8Array;
    if (e.enc === ENC_INT) return ROBJ;
    if (e.enc === ENC_EMBSTR) return jemallocSize(ROBJ + 3 + v.length + 1);
    return ROBJ + sdsAlloc(v.length, true);
  }
  const coll = e.value as Collection;
  if (hasMemoryUsage(coll)) return coll.memoryUsage(samples);
  // Estimate: a compact encoding packs ~12 bytes of overhead per element, a hash table ~64.
  const compact = coll.encoding() === "listpack" || coll.encoding() === "intset";
  return ROBJ + jemallocSize(64) + coll.size * (compact ? 12 : 64);
}

function memoryUsageCommand(c: CommandContext): void {
  let samples = 5;
  for (let i = 3; i < c.argv.length; i++) {
    if (is(c.argv[i]!, "samples") && i + 1 < c.argv.length) {
      samples = intArg(c.argv[++i]!);
      if (samples < 0) fail(E.SYNTAX);
      if (samples === 0) samples = Number.MAX_SAFE_INTEGER;
    } else fail(E.SYNTAX);
  }
  const e = c.db.lookup(c.argv[2]!);
  if (e === null) {
    c.out.nullBulk();
    return;
  }
  c.out.integer(valueMemoryUsage(e, samples) + sdsAlloc(e.key.length) + DICT_ENTRY);
}

function memoryStatsCommand(c: CommandContext): void {
  const s = c.server;
  const mem = s.admin.info(["memory"]);
  const field = (name: string) => Number(new RegExp(`\\r\\n${name}:([^\\r]*)`).exec(mem)?.[1] ?? 0);
  const used = field("used_memory");
  const peak = field("used_memory_peak");
  const startup = field("used_memory_startup");
  const overhead = field("used_memory_overhead");
  const rss = field("used_memory_rss");
  const dataset = field("used_memory_dataset");
  const keys = s.ks.totalKeys();
  const dbs = s.ks.dbs.filter((d) => d.size > 0);
  c.out.mapLen(27 + dbs.length);
  const int = (k: string, v: number) => {
    c.out.bulk(latin1Bytes(k));
    c.out.integer(Math.floor(v));
  };
  const dbl = (k: string, v: number) => {
    c.out.bulk(latin1Bytes(k));
    c.out.double(v);
  };
  int("peak.allocated", peak);
  int("total.allocated", used);
  int("startup.allocated", startup);
  int("replication.backlog", field("mem_replication_backlog"));
  int("clients.slaves", 0);
  int("clients.normal", field("mem_clients_normal"));
  int("cluster.links", 0);
  int("aof.buffer", field("mem_aof_buffer"));
  int("lua.caches", field("used_memory_scripts_eval"));
  int("functions.caches", 0);
  for (const db of dbs) {
    c.out.bulk(latin1Bytes(`db.${db.id}`));
    c.out.mapLen(3);
    int("overhead.hashtable.main", db.dict.size * DICT_ENTRY);
    int("overhead.hashtable.expires", db.expires * DICT_ENTRY);
    int("overhead.hashtable.slot-to-keys", 0);
  }
  int("overhead.total", overhead);
  int("keys.count", keys);
  int("keys.bytes-per-key", keys === 0 ? 0 : (used - startup) / keys);
  int("dataset.bytes", dataset);
  dbl("dataset.percentage", used - startup > 0 ? (dataset * 100) / (used - startup) : 0);
  dbl("peak.percentage", peak > 0 ? (used * 100) / peak : 0);
  int("allocator.allocated", used);
  int("allocator.active", used);
  int("allocator.resident", rss);
  dbl("allocator-fragmentation.ratio", 1);
  int("allocator-fragmentation.bytes", 0);
  dbl("allocator-rss.ratio", used > 0 ? rss / used : 0);
  int("allocator-rss.bytes", rss - used);
  dbl("rss-overhead.ratio", 1);
  int("rss-overhead.bytes", 0);
  dbl("fragmentation", used > 0 ? rss / used : 0);
  int("fragmentation.bytes", rss - used);
}

function memoryDoctorCommand(c: CommandContext): void {
  const s = c.server;
  const used = s.stats.peakMemory;
  if (s.ks.totalKeys() === 0 || used - s.stats.startupMemory < 5 * 1024 * 1024) {
    c.out.verbatim(
      "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.",
    );
    return;
  }
  c.out.verbatim("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.");
}

function memoryMallocStatsCommand(c: CommandContext): void {
  c.out.verbatim("Stats not supported for the current allocator");
}

function memoryPurgeCommand(c: CommandContext): void {
  Bun.gc(true);
  c.out.ok();
}

function memoryHelpCommand(c: CommandContext): void {
  replyHelp(c, "MEMORY", [
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
  ]);
}

// =================================================================================================
// DEBUG

/** A DEBUG subcommand: `minArgs` counts DEBUG and the subcommand name. */
export interface DebugSubcommand {
  minArgs: number;
  maxArgs: number;
  help: readonly string[];
  handler: (c: CommandContext) => void;
}

const DEBUG_SUBCOMMANDS = new Map<string, DebugSubcommand>();

/** Add a DEBUG subcommand (lowercase name); later registrations replace earlier ones. */
export function registerDebugSubcommand(name: string, sub: DebugSubcommand): void {
  DEBUG_SUBCOMMANDS.set(name, sub);
}

function notAllowed(command: string, param: string): string {
  return `ERR ${command} command not allowed. If the ${param} option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`;
}

function debugCommand(c: CommandContext): void {
  if (!c.server.admin.allowedBy("enable-debug-command", c)) fail(notAllowed("DEBUG", "enable-debug-command"));
  const name = latin1(c.argv[1]!);
  const sub = DEBUG_SUBCOMMANDS.get(name.toLowerCase());
  if (sub === undefined || c.argv.length < sub.minArgs || c.argv.length > sub.maxArgs) {
    fail(E.unknownSubcommandOrWrongArgs(name, "DEBUG"));
  }
  sub.handler(c);
}

/** C's atof: the longest numeric prefix, 0 when none. */
function atof(s: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s);
  return m === null ? 0 : Number(m[0]);
}

/** A plausible heap address for DEBUG OBJECT (stable per key). */
function fakeAddress(key: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return "0x7f" + ((h >>> 0) * 16).toString(16).padStart(10, "0");
}

/** Length of the value's RDB serialization (strings exact, LZF aside; collections estimated). */
function serializedLength(e: KeyEntry): number {
  const lenBytes = (n: number) => (n < 64 ? 1 : n < 16384 ? 2 : n <= 0xffffffff ? 5 : 9);
  if (e.type === OBJ_STRING) {
    const v = e.value as Uint8Array;
    if (e.enc === ENC_INT) {
      const n = Number(latin1(v));
      if (n >= -128 && n <= 127) return 2;
      if (n >= -32768 && n <= 32767) return 3;
      if (n >= -2147483648 && n <= 2147483647) return 5;
    }
    return lenBytes(v.length) + v.length;
  }
  const coll = e.value as Collection;
  return lenBytes(coll.size) + coll.size * 8;
}

function debugObject(c: CommandContext): void {
  const e = c.db.lookup(c.argv[2]!);
  if (e === null) fail(E.NO_SUCH_KEY);
  const policy = c.server.config.get("maxmemory-policy");
  const sharedInt = e.type === OBJ_STRING && e.enc === ENC_INT && !/lru|lfu/.test(policy) && /^(0|[1-9]\d{0,3})$/.test(latin1(e.value as Uint8Array));
  const refcount = sharedInt ? 2147483647 : 1;
  const idle = (c.ks.lruClock - e.lru + 0x1000000) % 0x1000000;
  c.out.simple(`Value at:${fakeAddress(e.key)} refcount:${refcount} encoding:${encodingName(e)} serializedlength:${serializedLength(e)} lru:${e.lru} lru_seconds_idle:${idle}`);
}

function debugProtocol(c: CommandContext): void {
  const t = latin1(c.argv[2]!).toLowerCase();
  const o = c.out;
  const str = (s: string) => o.bulk(latin1Bytes(s));
  switch (t) {
    case "string":
      return str("Hello World");
    case "integer":
      return o.integer(12345);
    case "double":
      return o.double(3.141);
    case "bignum":
      return o.bigNumber("1234567999999999999999999999999999999");
    case "null":
      return o.null();
    case "array":
      o.arrayLen(3);
      for (let j = 0; j < 3; j++) o.integer(j);
      return;
    case "set":
      o.setLen(3);
      for (let j = 0; j < 3; j++) o.integer(j);
      return;
    case "map":
      o.mapLen(3);
      for (let j = 0; j < 3; j++) {
        o.integer(j);
        o.bool(j === 1);
      }
      return;
    case "attrib":
      if (o.resp >= 3) {
        o.attributeLen(1);
        str("key-popularity");
        o.arrayLen(2);
        str("key:123");
        o.integer(90);
      }
      return str("Some real reply following the attribute");
    case "push":
      if (o.resp < 3) fail("ERR RESP2 is not supported by this command");
      o.pushLen(2);
      str("server-cpu-usage");
      o.integer(42);
      return str("Some real reply following the push reply");
    case "true":
      return o.bool(true);
    case "false":
      return o.bool(false);
    case "verbatim":
      return o.verbatim("This is a verbatim\nstring", "txt");
    default:
      fail("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
  }
}

function debugPopulate(c: CommandContext): void {
  const count = intArg(c.argv[2]!);
  if (count < 0) fail("ERR count is negative");
  const prefix = c.argv.length > 3 ? latin1(c.argv[3]!) : "key";
  const size = c.argv.length > 4 ? intArg(c.argv[4]!) : 0;
  if (size < 0) fail("ERR size is negative");
  for (let j = 0; j < count; j++) {
    const key = latin1Bytes(`${prefix}:${j}`);
    if (c.db.lookup(key) !== null) continue;
    const text = latin1Bytes(`value:${j}`);
    let val = text;
    if (size > 0) {
      val = new Uint8Array(size);
      val.set(text.subarray(0, Math.min(size, text.length)));
    }
    c.db.setString(key, val);
  }
  c.out.ok();
}

const ok = (c: CommandContext) => c.out.ok();

registerDebugSubcommand("help", {
  minArgs: 2,
  maxArgs: 2,
  help: [],
  handler: (c) =>
    replyHelp(
      c,
      "DEBUG",
      [...DEBUG_SUBCOMMANDS.entries()].filter(([n]) => n !== "help").flatMap(([, s]) => s.help),
    ),
});
registerDebugSubcommand("change-repl-id", {
  minArgs: 2,
  maxArgs: 2,
  help: ["CHANGE-REPL-ID", "    Change the replication IDs of the instance.", "    Dangerous: should be used only for testing the replication subsystem."],
  handler: (c) => {
    c.server.repl.changeReplId();
    c.out.ok();
  },
});
registerDebugSubcommand("error", {
  minArgs: 3,
  maxArgs: 3,
  help: ["ERROR <string>", "    Return a Redis protocol error with <string> as message. Useful for clients", "    unit tests to simulate Redis errors."],
  handler: (c) => c.out.error(latin1(c.argv[2]!)),
});
registerDebugSubcommand("log", {
  minArgs: 3,
  maxArgs: 3,
  help: ["LOG <message>", "    Write <message> to the server log."],
  handler: (c) => {
    c.server.log.warning(`DEBUG LOG: ${latin1(c.argv[2]!)}`);
    c.out.ok();
  },
});
registerDebugSubcommand("object", {
  minArgs: 3,
  maxArgs: 3,
  help: ["OBJECT <key>", "    Show low level info about `key` and associated value."],
  handler: debugObject,
});
registerDebugSubcommand("populate", {
  minArgs: 3,
  maxArgs: 5,
  help: [
    "POPULATE <count> [<prefix>] [<size>]",
    "    Create <count> string keys named key:<num>. If <prefix> is specified then",
    "    it is used instead of the 'key' prefix. These are not propagated to",
    "    replicas. Cluster slots are not respected so keys not belonging to the",
    "    current node can be created in cluster mode.",
  ],
  handler: debugPopulate,
});
registerDebugSubcommand("protocol", {
  minArgs: 3,
  maxArgs: 3,
  help: [
    "PROTOCOL <type>",
    "    Reply with a test value of the specified type. <type> can be: string,",
    "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
    "    true, false.",
  ],
  handler: debugProtocol,
});
registerDebugSubcommand("set-active-expire", {
  minArgs: 3,
  maxArgs: 3,
  help: [
    "SET-ACTIVE-EXPIRE <0|1>",
    "    Setting it to 0 disables expiring keys in background when they are not",
    "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
    "    default.",
  ],
  handler: (c) => {
    c.server.activeExpireEnabled = atof(latin1(c.argv[2]!)) !== 0;
    c.out.ok();
  },
});
registerDebugSubcommand("quicklist-packed-threshold", {
  minArgs: 3,
  maxArgs: 3,
  help: [
    "QUICKLIST-PACKED-THRESHOLD <size>",
    "    Sets the threshold for elements to be inserted as plain vs packed nodes",
    "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
  ],
  // Accepted for test suites; Kedis lists have no plain/packed node distinction.
  handler: ok,
});
registerDebugSubcommand("sleep", {
  minArgs: 3,
  maxArgs: 3,
  help: ["SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed."],
  handler: (c) => {
    // Blocks the whole server, like Redis's DEBUG SLEEP.
    const ms = atof(latin1(c.argv[2]!)) * 1000;
    if (ms > 0) Bun.sleepSync(ms);
    c.out.ok();
  },
});

// =================================================================================================
// MODULE (Kedis loads no modules; LIST is empty; loading needs enable-module-command)

function moduleGuard(c: CommandContext): void {
  if (!c.server.admin.allowedBy("enable-module-command", c)) fail(notAllowed("MODULE", "enable-module-command"));
}

function moduleListCommand(c: CommandContext): void {
  c.out.emptyArray();
}

function moduleLoadCommand(c: CommandContext): void {
  moduleGuard(c);
  c.server.log.warning(`Module ${latin1(c.argv[2]!)} failed to load: Kedis does not support modules`);
  fail("ERR Error loading the extension. Please check the server logs.");
}

function moduleUnloadCommand(c: CommandContext): void {
  moduleGuard(c);
  fail("ERR Error unloading module: no such module with that name");
}

function moduleHelpCommand(c: CommandContext): void {
  replyHelp(c, "MODULE", [
    "LIST",
    "    Return a list of loaded modules.",
    "LOAD <path> [<arg> ...]",
    "    Load a module library from <path>, passing to it any optional arguments.",
    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
    "    Load a module library from <path>, while passing it module configurations and optional arguments.",
    "UNLOAD <name>",
    "    Unload a module.",
  ]);
}

export const serverFamily: CommandFamily = {
  group: "server",
  commands: [
    ["info",     -1, "loading stale",                                     [0, 0, 0], infoCommand, { acl: "@dangerous" }],
    ["time",      1, "loading stale fast",                                [0, 0, 0], timeCommand],
    ["lastsave",  1, "loading stale fast",                                [0, 0, 0], lastsaveCommand, { acl: "@admin @dangerous" }],
    ["shutdown", -1, "admin noscript loading stale no_multi allow_busy",  [0, 0, 0], shutdownCommand],
    ["debug",    -2, "admin noscript loading stale",                      [0, 0, 0], debugCommand],
    ["slowlog",  -2, "",                                                  [0, 0, 0], containerCommand, {
      subcommands: [
        ["get",   -2, "admin loading stale", [0, 0, 0], slowlogGetCommand],
        ["len",    2, "admin loading stale", [0, 0, 0], slowlogLenCommand],
        ["reset",  2, "admin loading stale", [0, 0, 0], slowlogResetCommand],
        ["help",   2, "loading stale",       [0, 0, 0], slowlogHelpCommand],
      ],
    }],
    ["latency",  -2, "",                                                  [0, 0, 0], containerCommand, {
      subcommands: [
        ["latest",     2, "admin noscript loading stale", [0, 0, 0], latencyLatestCommand],
        ["history",    3, "admin noscript loading stale", [0, 0, 0], latencyHistoryCommand],
        ["reset",     -2, "admin noscript loading stale", [0, 0, 0], latencyResetCommand],
        ["graph",      3, "admin noscript loading stale", [0, 0, 0], latencyGraphCommand],
        ["doctor",     2, "admin noscript loading stale", [0, 0, 0], latencyDoctorCommand],
        ["histogram", -2, "admin noscript loading stale", [0, 0, 0], latencyHistogramCommand],
        ["help",       2, "loading stale",                [0, 0, 0], latencyHelpCommand],
      ],
    }],
    ["memory",   -2, "",                                                  [0, 0, 0], containerCommand, {
      subcommands: [
        ["usage",       -3, "readonly",      [2, 2, 1], memoryUsageCommand],
        ["stats",        2, "",              [0, 0, 0], memoryStatsCommand],
        ["doctor",       2, "",              [0, 0, 0], memoryDoctorCommand],
        ["malloc-stats", 2, "",              [0, 0, 0], memoryMallocStatsCommand],
        ["purge",        2, "",              [0, 0, 0], memoryPurgeCommand],
        ["help",         2, "loading stale", [0, 0, 0], memoryHelpCommand],
      ],
    }],
    ["module",   -2, "",                                                  [0, 0, 0], containerCommand, {
      subcommands: [
        ["list",    2, "admin noscript",                  [0, 0, 0], moduleListCommand],
        ["load",   -3, "admin noscript no_async_loading", [0, 0, 0], moduleLoadCommand],
        ["loadex", -3, "admin noscript no_async_loading", [0, 0, 0], moduleLoadCommand],
        ["unload",  3, "admin noscript no_async_loading", [0, 0, 0], moduleUnloadCommand],
        ["help",    2, "loading stale",                   [0, 0, 0], moduleHelpCommand],
      ],
    }],
  ],
};
