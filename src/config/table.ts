/**
 * The configuration table: one declarative line per Redis 7.0 parameter (name, aliases, type,
 * default, bounds or enum words, flags). It drives redis.conf-style files, `--name value`
 * arguments, CONFIG GET/SET/REWRITE and help. Every parameter Redis 7.0 lists in `CONFIG GET *`
 * is here, so tools that read or round-trip the whole configuration see a real server; those
 * Kedis does not act on are accepted and stored (docs/compatibility.md lists them).
 *
 * Values are kept in their normalized text form (what CONFIG GET prints); `Config` parses the
 * typed form once per change. Bounds are bigint because Redis's go up to LLONG_MAX / ULLONG_MAX.
 */

export type ParamType = "bool" | "int" | "octal" | "memory" | "string" | "enum" | "flags" | "special";

/** Cannot be changed by CONFIG SET. */
export const P_IMMUTABLE = 1 << 0;
/** Gettable by exact name, absent from `CONFIG GET *` and globs. */
export const P_HIDDEN = 1 << 1;
/** Settable at run time only when enable-protected-configs allows it. */
export const P_PROTECTED = 1 << 2;
/** Secret (passwords): redacted from SLOWLOG/MONITOR argument lists. */
export const P_SENSITIVE = 1 << 3;
/** Takes several words on a config-file line (`save 900 1 300 10`); joined with spaces. */
export const P_MULTI_ARG = 1 << 4;
/** Accepts `N%` besides a memory value (maxmemory-clients). */
export const P_PERCENT = 1 << 5;

/**
 * Codec for parameters with their own syntax (save, client-output-buffer-limit, bind, ...).
 * `parse` gets the new text and the current normalized value (some, like the buffer limits,
 * change only the classes mentioned) and returns the normalized value or an error message.
 */
export interface SpecialCodec {
  parse(value: string, current: string, loading: LoadState | null): string | { error: string };
  /** Lines CONFIG REWRITE writes for a value: each entry is the argument text after the name. */
  rewrite?(value: string, def: string): { args: string; force: boolean }[];
}

/** Per-load state (the first `save` line of a file replaces the default instead of adding). */
export interface LoadState {
  seen: Set<string>;
}

export interface ParamDef {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly type: ParamType;
  readonly default: string;
  readonly min: bigint;
  readonly max: bigint;
  /** Words of an enum or flags parameter, in Redis's order (its error message lists them). */
  readonly values: readonly string[];
  /** Words accepted but not listed (Kedis extensions such as loglevel `nothing`). */
  readonly hiddenValues: readonly string[];
  readonly flags: number;
  readonly special: SpecialCodec | null;
  /** Extra validation of a string value: returns an error message or null. */
  readonly validate: ((v: string) => string | null) | null;
}

export const INT_MIN = -2147483648n;
export const INT_MAX = 2147483647n;
export const UINT_MAX = 4294967295n;
export const LONG_MAX = 9223372036854775807n;
export const ULLONG_MAX = 18446744073709551615n;

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

interface Opts {
  aliases?: string[];
  flags?: number;
  validate?: (v: string) => string | null;
  hiddenValues?: string[];
}

function def(name: string, type: ParamType, dflt: string, min: bigint, max: bigint, values: string[], o: Opts, special: SpecialCodec | null = null): ParamDef {
  return {
    name,
    aliases: o.aliases ?? [],
    type,
    default: dflt,
    min,
    max,
    values,
    hiddenValues: o.hiddenValues ?? [],
    flags: o.flags ?? 0,
    special,
    validate: o.validate ?? null,
  };
}

const bool = (name: string, d: "yes" | "no", o: Opts = {}) => def(name, "bool", d, 0n, 0n, [], o);
const int = (name: string, d: number, min: bigint, max: bigint, o: Opts = {}) => def(name, "int", String(d), min, max, [], o);
const mem = (name: string, d: number, min: bigint, max: bigint, o: Opts = {}) => def(name, "memory", String(d), min, max, [], o);
const str = (name: string, d: string, o: Opts = {}) => def(name, "string", d, 0n, 0n, [], o);
const enm = (name: string, d: string, values: string[], o: Opts = {}) => def(name, "enum", d, 0n, 0n, values, o);
const special = (name: string, d: string, codec: SpecialCodec, o: Opts = {}) => def(name, "special", d, 0n, 0n, [], o, codec);

const notAPath = (what: string, kind: string) => (v: string) => (v.includes("/") ? `${what} can't be a path, just a ${kind}` : null);

// -------------------------------------------------------------------------------------------------
// Special syntaxes

/** `save "<seconds> <changes> ..."`: pairs of integers, seconds ≥ 1, changes ≥ 0; "" disables. */
const saveCodec: SpecialCodec = {
  parse(value, current, loading) {
    if (value === "") return "";
    const words = value.split(" ");
    if (words.length % 2 !== 0) return { error: "Invalid save parameters" };
    for (let i = 0; i < words.length; i += 2) {
      const secs = parseStrictInt(words[i]!);
      const changes = parseStrictInt(words[i + 1]!);
      if (secs === null || changes === null || secs < 1n || changes < 0n) return { error: "Invalid save parameters" };
    }
    const norm = words.map((w) => String(parseStrictInt(w))).join(" ");
    // In a config file the save lines add up; the first one replaces the default.
    if (loading !== null) {
      const first = !loading.seen.has("save");
      loading.seen.add("save");
      if (!first && current !== "") return current + " " + norm;
    }
    return norm;
  },
  rewrite(value) {
    if (value === "") return [{ args: '""', force: true }];
    const w = value.split(" ");
    const out: { args: string; force: boolean }[] = [];
    for (let i = 0; i < w.length; i += 2) out.push({ args: `${w[i]} ${w[i + 1]}`, force: true });
    return out;
  },
};

/** Output-buffer classes in Redis's order and their CONFIG GET names. */
export const OBUF_CLASSES = ["normal", "slave", "pubsub"] as const;

/** `client-output-buffer-limit <class> <hard> <soft> <soft-seconds> ...`, classes changed one by one. */
const obufCodec: SpecialCodec = {
  parse(value, current) {
    const words = value === "" ? [] : value.split(/\s+/).filter((w) => w !== "");
    if (words.length % 4 !== 0) return { error: "Wrong number of arguments in buffer limit configuration." };
    const cur = current.split(" ");
    for (let i = 0; i < words.length; i += 4) {
      let cls = words[i]!.toLowerCase();
      if (cls === "replica") cls = "slave";
      const idx = OBUF_CLASSES.indexOf(cls as (typeof OBUF_CLASSES)[number]);
      if (idx < 0) return { error: "Invalid client class specified in buffer limit configuration." };
      const hard = parseMemory(words[i + 1]!);
      const soft = parseMemory(words[i + 2]!);
      const secs = parseStrictInt(words[i + 3]!);
      if (hard === null || soft === null || secs === null || secs < 0n) {
        return { error: "Error in hard, soft or soft_seconds setting in buffer limit configuration." };
      }
      cur[idx * 4 + 1] = String(hard);
      cur[idx * 4 + 2] = String(soft);
      cur[idx * 4 + 3] = String(secs);
    }
    return cur.join(" ");
  },
  rewrite(value, dflt) {
    const v = value.split(" ");
    const d = dflt.split(" ");
    const out: { args: string; force: boolean }[] = [];
    for (let c = 0; c < 3; c++) {
      const name = c === 1 ? "replica" : OBUF_CLASSES[c]!;
      const hard = v[c * 4 + 1]!;
      const soft = v[c * 4 + 2]!;
      const secs = v[c * 4 + 3]!;
      const force = hard !== d[c * 4 + 1] || soft !== d[c * 4 + 2] || secs !== d[c * 4 + 3];
      out.push({ args: `${name} ${formatMemoryUnits(BigInt(hard))} ${formatMemoryUnits(BigInt(soft))} ${secs}`, force });
    }
    return out;
  },
};

/** Keyspace notification classes (notify-keyspace-events); `A` is every class letter below but m and n. */
const NKE_LETTERS = "g$lshzxetd";
const nkeCodec: SpecialCodec = {
  parse(value) {
    const set = new Set<string>();
    for (const ch of value) {
      if (ch === "A") for (const l of NKE_LETTERS) set.add(l);
      else if ("g$lshzxetdKEmn".includes(ch)) set.add(ch);
      else return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
    }
    return formatKeyspaceEvents(set);
  },
};

/** Redis's order when printing notify-keyspace-events: A or the class letters, then K, E, m. */
export function formatKeyspaceEvents(set: Set<string>): string {
  let all = true;
  for (const l of NKE_LETTERS) if (!set.has(l)) all = false;
  let s = "";
  // Like Redis, `A` hides `n` in the text form.
  if (all) s = "A";
  else for (const l of "g$lshzxetdn") if (set.has(l)) s += l;
  if (set.has("K")) s += "K";
  if (set.has("E")) s += "E";
  if (set.has("m")) s += "m";
  return s;
}

/** `bind addr [addr ...]`: up to 16 addresses, `-` prefix marks one optional. */
const bindCodec: SpecialCodec = {
  parse(value) {
    const words = value.split(/\s+/).filter((w) => w !== "");
    if (words.length > 16) return { error: "Too many bind addresses specified." };
    return words.join(" ");
  },
};

/** `replicaof <host> <port>` (or empty / `no one`). */
const replicaofCodec: SpecialCodec = {
  parse(value) {
    const words = value.split(/\s+/).filter((w) => w !== "");
    if (words.length === 0) return "";
    if (words.length !== 2) return { error: "wrong number of arguments" };
    if (words[0]!.toLowerCase() === "no" && words[1]!.toLowerCase() === "one") return "";
    const port = parseStrictInt(words[1]!);
    if (port === null || port < 0n || port > 65535n) return { error: "Invalid master port" };
    return `${words[0]} ${port}`;
  },
  // A primary has no replicaof line: CONFIG REWRITE blanks an old one, as Redis does.
  rewrite(value) {
    return value === "" ? [] : [{ args: value, force: true }];
  },
};

const oomValuesCodec: SpecialCodec = {
  parse(value) {
    const words = value.split(" ");
    if (words.length !== 3) return { error: "wrong number of arguments" };
    const nums: bigint[] = [];
    for (const w of words) {
      const n = parseStrictInt(w);
      if (n === null || n < -2000n || n > 2000n) return { error: "Invalid oom-score-adj-values, elements must be between -2000 and 2000." };
      nums.push(n);
    }
    return nums.join(" ");
  },
};

const percentilesCodec: SpecialCodec = {
  parse(value) {
    const words = value === "" ? [] : value.split(" ");
    const out: string[] = [];
    for (const w of words) {
      const d = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(w) ? Number(w) : NaN;
      if (Number.isNaN(d)) return { error: "Invalid latency-tracking-info-percentiles parameters" };
      if (d < 0 || d > 100) return { error: "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]" };
      out.push(formatPercentile(d));
    }
    return out.join(" ");
  },
};

/** `%f` without trailing zeros, as Redis prints the percentile list. */
function formatPercentile(d: number): string {
  let s = d.toFixed(6);
  s = s.replace(/\.?0+$/, "");
  return s;
}

const SHUTDOWN_WORDS = ["default", "save", "nosave", "now", "force"];
const shutdownFlagsCodec: SpecialCodec = {
  parse(value) {
    const words = value.split(" ").filter((w) => w !== "");
    if (words.length === 0) return { error: "argument(s) must be one of the following: " + SHUTDOWN_WORDS.join(", ") };
    const set = new Set<string>();
    for (const w of words) {
      const l = w.toLowerCase();
      if (!SHUTDOWN_WORDS.includes(l)) return { error: "argument(s) must be one of the following: " + SHUTDOWN_WORDS.join(", ") };
      set.add(l);
    }
    if (set.has("save") && set.has("nosave")) return { error: "shutdown options SAVE and NOSAVE can't be used simultaneously" };
    set.delete("default");
    if (set.size === 0) return "default";
    return SHUTDOWN_WORDS.filter((w) => set.has(w)).join(" ");
  },
};

const TITLE_VARS = ["{title}", "{listen-addr}", "{server-mode}", "{port}", "{tls-port}", "{unixsocket}", "{config-file}"];
function validateTitleTemplate(v: string): string | null {
  let ok = v.includes("{title}");
  const rest = v.replace(/\{[^{}]*\}/g, (m) => {
    if (!TITLE_VARS.includes(m)) ok = false;
    return "";
  });
  if (rest.includes("{") || rest.includes("}")) ok = false;
  return ok ? null : "template format is invalid or contains unknown variables";
}

// -------------------------------------------------------------------------------------------------
// The table (Redis 7.0 names, defaults and bounds, checked against a real server)

const YNL = ["no", "yes", "local"];

export const PARAMS: readonly ParamDef[] = [
  enm("acl-pubsub-default", "resetchannels", ["allchannels", "resetchannels"]),
  str("aclfile", "", { flags: P_IMMUTABLE }),
  int("acllog-max-len", 128, 0n, LONG_MAX),
  int("active-defrag-cycle-max", 25, 1n, 99n),
  int("active-defrag-cycle-min", 1, 1n, 99n),
  mem("active-defrag-ignore-bytes", 100 * MB, 1n, LONG_MAX),
  int("active-defrag-max-scan-fields", 1000, 1n, LONG_MAX),
  int("active-defrag-threshold-lower", 10, 0n, 1000n),
  int("active-defrag-threshold-upper", 100, 0n, 1000n),
  int("active-expire-effort", 1, 1n, 10n),
  bool("activedefrag", "no"),
  bool("activerehashing", "yes"),
  bool("always-show-logo", "no", { flags: P_IMMUTABLE }),
  bool("aof-disable-auto-gc", "no"),
  bool("aof-load-truncated", "yes"),
  bool("aof-rewrite-incremental-fsync", "yes"),
  bool("aof-timestamp-enabled", "no"),
  bool("aof-use-rdb-preamble", "yes"),
  str("aof_rewrite_cpulist", "", { flags: P_IMMUTABLE }),
  str("appenddirname", "appendonlydir", { flags: P_IMMUTABLE, validate: notAPath("appenddirname", "dirname") }),
  str("appendfilename", "appendonly.aof", { flags: P_IMMUTABLE, validate: notAPath("appendfilename", "filename") }),
  enm("appendfsync", "everysec", ["everysec", "always", "no"]),
  bool("appendonly", "no"),
  mem("auto-aof-rewrite-min-size", 64 * MB, 0n, LONG_MAX),
  int("auto-aof-rewrite-percentage", 100, 0n, INT_MAX),
  str("bgsave_cpulist", "", { flags: P_IMMUTABLE }),
  // Kedis binds the loopback interfaces by default (as Redis's shipped redis.conf does).
  special("bind", "127.0.0.1 -::1", bindCodec, { flags: P_MULTI_ARG }),
  str("bind-source-addr", ""),
  str("bio_cpulist", "", { flags: P_IMMUTABLE }),
  int("busy-reply-threshold", 5000, 0n, LONG_MAX, { aliases: ["lua-time-limit"] }),
  special("client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60", obufCodec, { flags: P_MULTI_ARG }),
  mem("client-query-buffer-limit", GB, 1n * BigInt(MB), LONG_MAX),
  bool("cluster-allow-pubsubshard-when-down", "yes"),
  bool("cluster-allow-reads-when-down", "no"),
  bool("cluster-allow-replica-migration", "yes"),
  int("cluster-announce-bus-port", 0, 0n, 65535n),
  str("cluster-announce-hostname", ""),
  str("cluster-announce-ip", ""),
  int("cluster-announce-port", 0, 0n, 65535n),
  int("cluster-announce-tls-port", 0, 0n, 65535n),
  str("cluster-config-file", "nodes.conf", { flags: P_IMMUTABLE }),
  bool("cluster-enabled", "no", { flags: P_IMMUTABLE }),
  mem("cluster-link-sendbuf-limit", 0, 0n, ULLONG_MAX),
  int("cluster-migration-barrier", 1, 0n, INT_MAX),
  int("cluster-node-timeout", 15000, 0n, LONG_MAX),
  int("cluster-port", 0, 0n, 65535n, { flags: P_IMMUTABLE }),
  enm("cluster-preferred-endpoint-type", "ip", ["ip", "hostname", "unknown-endpoint"]),
  bool("cluster-replica-no-failover", "no", { aliases: ["cluster-slave-no-failover"] }),
  int("cluster-replica-validity-factor", 10, 0n, INT_MAX, { aliases: ["cluster-slave-validity-factor"] }),
  bool("cluster-require-full-coverage", "yes"),
  bool("crash-log-enabled", "yes"),
  bool("crash-memcheck-enabled", "yes"),
  bool("daemonize", "no", { flags: P_IMMUTABLE }),
  int("databases", 16, 1n, INT_MAX, { flags: P_IMMUTABLE }),
  str("dbfilename", "dump.rdb", { flags: P_PROTECTED, validate: notAPath("dbfilename", "filename") }),
  // The working directory; "" until the server resolves it to the absolute current directory.
  str("dir", "", { flags: P_PROTECTED }),
  bool("disable-thp", "yes", { flags: P_IMMUTABLE }),
  bool("dynamic-hz", "yes"),
  enm("enable-debug-command", "no", YNL, { flags: P_IMMUTABLE }),
  enm("enable-module-command", "no", YNL, { flags: P_IMMUTABLE }),
  enm("enable-protected-configs", "no", YNL, { flags: P_IMMUTABLE }),
  int("hash-max-listpack-entries", 512, 0n, LONG_MAX, { aliases: ["hash-max-ziplist-entries"] }),
  mem("hash-max-listpack-value", 64, 0n, LONG_MAX, { aliases: ["hash-max-ziplist-value"] }),
  mem("hll-sparse-max-bytes", 3000, 0n, LONG_MAX),
  int("hz", 10, 0n, INT_MAX),
  str("ignore-warnings", ""),
  int("io-threads", 1, 1n, 128n, { flags: P_IMMUTABLE }),
  bool("io-threads-do-reads", "no", { flags: P_IMMUTABLE }),
  bool("jemalloc-bg-thread", "yes"),
  int("key-load-delay", 0, INT_MIN, INT_MAX, { flags: P_HIDDEN }),
  int("latency-monitor-threshold", 0, 0n, LONG_MAX),
  bool("latency-tracking", "yes"),
  special("latency-tracking-info-percentiles", "50 99 99.9", percentilesCodec, { flags: P_MULTI_ARG }),
  bool("lazyfree-lazy-eviction", "no"),
  bool("lazyfree-lazy-expire", "no"),
  bool("lazyfree-lazy-server-del", "no"),
  bool("lazyfree-lazy-user-del", "no"),
  bool("lazyfree-lazy-user-flush", "no"),
  int("lfu-decay-time", 1, 0n, INT_MAX),
  int("lfu-log-factor", 10, 0n, INT_MAX),
  int("list-compress-depth", 0, 0n, INT_MAX),
  int("list-max-listpack-size", -2, INT_MIN, INT_MAX, { aliases: ["list-max-ziplist-size"] }),
  mem("loading-process-events-interval-bytes", 2 * MB, 1024n, INT_MAX, { flags: P_HIDDEN }),
  str("logfile", "", { flags: P_IMMUTABLE }),
  // `nothing` arrived in Redis 7.2; Kedis accepts it (tests silence the log) without listing it.
  enm("loglevel", "notice", ["debug", "verbose", "notice", "warning"], { hiddenValues: ["nothing"] }),
  str("masterauth", "", { flags: P_SENSITIVE }),
  str("masteruser", ""),
  int("maxclients", 10000, 1n, UINT_MAX),
  mem("maxmemory", 0, 0n, ULLONG_MAX),
  mem("maxmemory-clients", 0, 0n, LONG_MAX, { flags: P_PERCENT }),
  int("maxmemory-eviction-tenacity", 10, 0n, 100n),
  enm("maxmemory-policy", "noeviction", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]),
  int("maxmemory-samples", 5, 1n, INT_MAX),
  int("min-replicas-max-lag", 10, 0n, INT_MAX, { aliases: ["min-slaves-max-lag"] }),
  int("min-replicas-to-write", 0, 0n, INT_MAX, { aliases: ["min-slaves-to-write"] }),
  bool("no-appendfsync-on-rewrite", "no"),
  special("notify-keyspace-events", "", nkeCodec),
  enm("oom-score-adj", "no", ["no", "yes", "relative", "absolute"]),
  special("oom-score-adj-values", "0 200 800", oomValuesCodec, { flags: P_MULTI_ARG }),
  str("pidfile", "", { flags: P_IMMUTABLE }),
  int("port", 6379, 0n, 65535n),
  str("proc-title-template", "{title} {listen-addr} {server-mode}", { validate: validateTitleTemplate }),
  enm("propagation-error-behavior", "ignore", ["ignore", "panic", "panic-on-replicas"]),
  bool("protected-mode", "yes"),
  mem("proto-max-bulk-len", 512 * MB, 1n * BigInt(MB), LONG_MAX),
  int("rdb-key-save-delay", 0, INT_MIN, INT_MAX, { flags: P_HIDDEN }),
  bool("rdb-del-sync-files", "no"),
  bool("rdb-save-incremental-fsync", "yes"),
  bool("rdbchecksum", "yes", { flags: P_IMMUTABLE }),
  bool("rdbcompression", "yes"),
  mem("repl-backlog-size", MB, 1n, LONG_MAX),
  int("repl-backlog-ttl", 3600, 0n, LONG_MAX),
  bool("repl-disable-tcp-nodelay", "no"),
  enm("repl-diskless-load", "disabled", ["disabled", "on-empty-db", "swapdb"]),
  bool("repl-diskless-sync", "yes"),
  int("repl-diskless-sync-delay", 5, 0n, INT_MAX),
  int("repl-diskless-sync-max-replicas", 0, 0n, INT_MAX),
  int("repl-ping-replica-period", 10, 1n, INT_MAX, { aliases: ["repl-ping-slave-period"] }),
  int("repl-timeout", 60, 1n, INT_MAX),
  str("replica-announce-ip", "", { aliases: ["slave-announce-ip"] }),
  int("replica-announce-port", 0, 0n, 65535n, { aliases: ["slave-announce-port"] }),
  bool("replica-announced", "yes"),
  bool("replica-ignore-disk-write-errors", "no"),
  bool("replica-ignore-maxmemory", "yes", { aliases: ["slave-ignore-maxmemory"] }),
  bool("replica-lazy-flush", "no", { aliases: ["slave-lazy-flush"] }),
  int("replica-priority", 100, 0n, INT_MAX, { aliases: ["slave-priority"] }),
  bool("replica-read-only", "yes", { aliases: ["slave-read-only"] }),
  bool("replica-serve-stale-data", "yes", { aliases: ["slave-serve-stale-data"] }),
  special("replicaof", "", replicaofCodec, { aliases: ["slaveof"], flags: P_IMMUTABLE | P_MULTI_ARG }),
  str("requirepass", "", { flags: P_SENSITIVE }),
  enm("sanitize-dump-payload", "no", ["no", "yes", "clients"]),
  special("save", "3600 1 300 100 60 10000", saveCodec, { flags: P_MULTI_ARG }),
  str("server_cpulist", "", { flags: P_IMMUTABLE }),
  int("set-max-intset-entries", 512, 0n, LONG_MAX),
  bool("set-proc-title", "yes", { flags: P_IMMUTABLE }),
  special("shutdown-on-sigint", "default", shutdownFlagsCodec, { flags: P_MULTI_ARG }),
  special("shutdown-on-sigterm", "default", shutdownFlagsCodec, { flags: P_MULTI_ARG }),
  int("shutdown-timeout", 10, 0n, INT_MAX),
  int("slowlog-log-slower-than", 10000, -1n, LONG_MAX),
  int("slowlog-max-len", 128, 0n, LONG_MAX),
  int("socket-mark-id", 0, 0n, UINT_MAX, { flags: P_IMMUTABLE }),
  bool("stop-writes-on-bgsave-error", "yes"),
  mem("stream-node-max-bytes", 4096, 0n, LONG_MAX),
  int("stream-node-max-entries", 100, 0n, LONG_MAX),
  enm("supervised", "no", ["upstart", "systemd", "auto", "no"], { flags: P_IMMUTABLE }),
  bool("syslog-enabled", "no", { flags: P_IMMUTABLE }),
  enm("syslog-facility", "local0", ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"], { flags: P_IMMUTABLE }),
  str("syslog-ident", "redis", { flags: P_IMMUTABLE }),
  int("tcp-backlog", 511, 0n, INT_MAX, { flags: P_IMMUTABLE }),
  int("tcp-keepalive", 300, 0n, INT_MAX),
  int("timeout", 0, 0n, INT_MAX),
  enm("tls-auth-clients", "yes", ["no", "yes", "optional"]),
  str("tls-ca-cert-dir", ""),
  str("tls-ca-cert-file", ""),
  str("tls-cert-file", ""),
  str("tls-ciphers", ""),
  str("tls-ciphersuites", ""),
  str("tls-client-cert-file", ""),
  str("tls-client-key-file", ""),
  str("tls-client-key-file-pass", "", { flags: P_SENSITIVE }),
  bool("tls-cluster", "no"),
  str("tls-dh-params-file", ""),
  str("tls-key-file", ""),
  str("tls-key-file-pass", "", { flags: P_SENSITIVE }),
  int("tls-port", 0, 0n, 65535n),
  bool("tls-prefer-server-ciphers", "no"),
  str("tls-protocols", ""),
  bool("tls-replication", "no"),
  int("tls-session-cache-size", 20480, 0n, INT_MAX),
  int("tls-session-cache-timeout", 300, 0n, INT_MAX),
  bool("tls-session-caching", "yes"),
  int("tracking-table-max-keys", 1000000, 0n, LONG_MAX),
  str("unixsocket", "", { flags: P_IMMUTABLE }),
  def("unixsocketperm", "octal", "0", 0n, 0o777n, [], { flags: P_IMMUTABLE }),
  int("watchdog-period", 0, 0n, INT_MAX, { flags: P_HIDDEN }),
  int("zset-max-listpack-entries", 128, 0n, LONG_MAX, { aliases: ["zset-max-ziplist-entries"] }),
  mem("zset-max-listpack-value", 64, 0n, LONG_MAX, { aliases: ["zset-max-ziplist-value"] }),
];

/** Every parameter by canonical name and by alias (lowercase). */
export const PARAM_BY_NAME = new Map<string, ParamDef>();
for (const p of PARAMS) {
  PARAM_BY_NAME.set(p.name, p);
  for (const a of p.aliases) PARAM_BY_NAME.set(a, p);
}

/** Config-file directives Redis 7.0 accepts and ignores (deprecated). */
export const DEPRECATED_DIRECTIVES = new Set(["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"]);

// -------------------------------------------------------------------------------------------------
// Value parsing shared with the codecs

/** Redis's string2ll: optional '-', no '+', no leading zeros or spaces; null when invalid. */
export function parseStrictInt(s: string): bigint | null {
  if (!/^(0|-?[1-9]\d*)$/.test(s)) return null;
  const n = BigInt(s);
  if (n < -9223372036854775808n || n > LONG_MAX) return null;
  return n;
}

const UNITS: Record<string, bigint> = {
  "": 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: BigInt(MB),
  g: 1000n * 1000n * 1000n,
  gb: BigInt(GB),
};

/**
 * Redis's memtoull: digits then an optional unit (b, k, kb, m, mb, g, gb; any case). An empty
 * number counts as 0, as in Redis. Null when invalid.
 */
export function parseMemory(s: string): bigint | null {
  const m = /^(\d*)([a-zA-Z]*)$/.exec(s);
  if (m === null) return null;
  const mul = UNITS[m[2]!.toLowerCase()];
  if (mul === undefined) return null;
  const n = m[1] === "" ? 0n : BigInt(m[1]!);
  return n * mul;
}

/** Memory in the largest exact unit, as CONFIG REWRITE writes it (`64mb`, `1gb`, `100`). */
export function formatMemoryUnits(n: bigint): string {
  if (n === 0n) return "0";
  const g = BigInt(GB);
  const m = BigInt(MB);
  const k = BigInt(KB);
  if (n % g === 0n) return `${n / g}gb`;
  if (n % m === 0n) return `${n / m}mb`;
  if (n % k === 0n) return `${n / k}kb`;
  return String(n);
}
