/**
 * The configuration table: one declarative line per parameter (name, aliases, type, default,
 * bounds or enum, mutability, visibility). It drives redis.conf-style files, `--name value`
 * arguments, CONFIG GET/SET/REWRITE and help. Values are parsed to typed form once and read
 * through `Config.get*` (hot ones are mirrored into plain fields by `apply` hooks in the server).
 */

export type ParamType = "bool" | "int" | "memory" | "string" | "enum" | "list";

export interface ParamDef {
  name: string;
  aliases?: string[];
  type: ParamType;
  default: string;
  min?: number;
  max?: number;
  /** Allowed words for enum (and for each word of a flags-like list). */
  values?: string[];
  /** Can be changed by CONFIG SET. */
  mutable: boolean;
  /** Gettable by name but not listed by CONFIG GET *. */
  hidden?: boolean;
  /** Value is sensitive (requirepass): still readable, but not logged. */
  sensitive?: boolean;
}

const MB = 1024 * 1024;
const GB = 1024 * MB;

export const PARAMS: ParamDef[] = [
  { name: "port", type: "int", default: "6379", min: 0, max: 65535, mutable: true },
  { name: "bind", type: "list", default: "127.0.0.1", mutable: true },
  { name: "unixsocket", type: "string", default: "", mutable: false },
  { name: "unixsocketperm", type: "int", default: "0", min: 0, max: 0o777, mutable: false },
  { name: "databases", type: "int", default: "16", min: 1, max: 2147483647, mutable: false },
  { name: "maxclients", type: "int", default: "10000", min: 1, max: 2147483647, mutable: true },
  { name: "timeout", type: "int", default: "0", min: 0, max: 2147483647, mutable: true },
  { name: "tcp-keepalive", type: "int", default: "300", min: 0, max: 2147483647, mutable: true },
  { name: "hz", type: "int", default: "10", min: 0, max: 2147483647, mutable: true },
  { name: "dynamic-hz", type: "bool", default: "yes", mutable: true },
  { name: "requirepass", type: "string", default: "", mutable: true, sensitive: true },
  { name: "proto-max-bulk-len", type: "memory", default: String(512 * MB), min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER, mutable: true },
  { name: "client-query-buffer-limit", type: "memory", default: String(1 * GB), min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER, mutable: true },
  { name: "loglevel", type: "enum", default: "notice", values: ["debug", "verbose", "notice", "warning", "nothing"], mutable: true },
  { name: "logfile", type: "string", default: "", mutable: false },
  { name: "daemonize", type: "bool", default: "no", mutable: false },
  { name: "protected-mode", type: "bool", default: "yes", mutable: true },
  { name: "dir", type: "string", default: "", mutable: true },
  { name: "dbfilename", type: "string", default: "dump.rdb", mutable: true },
  { name: "save", type: "string", default: "3600 1 300 100 60 10000", mutable: true },
  { name: "rdbcompression", type: "bool", default: "yes", mutable: true },
  { name: "rdbchecksum", type: "bool", default: "yes", mutable: false },
  { name: "appendonly", type: "bool", default: "no", mutable: true },
  { name: "appendfsync", type: "enum", default: "everysec", values: ["always", "everysec", "no"], mutable: true },
  { name: "appendfilename", type: "string", default: "appendonly.aof", mutable: false },
  { name: "appenddirname", type: "string", default: "appendonlydir", mutable: false },
  { name: "aof-use-rdb-preamble", type: "bool", default: "yes", mutable: true },
  { name: "aof-load-truncated", type: "bool", default: "yes", mutable: true },
  { name: "auto-aof-rewrite-percentage", type: "int", default: "100", min: 0, max: 2147483647, mutable: true },
  { name: "auto-aof-rewrite-min-size", type: "memory", default: String(64 * MB), min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true },
  { name: "replicaof", aliases: ["slaveof"], type: "string", default: "", mutable: false },
  { name: "masterauth", type: "string", default: "", mutable: true, sensitive: true },
  { name: "masteruser", type: "string", default: "", mutable: true },
  { name: "replica-read-only", aliases: ["slave-read-only"], type: "bool", default: "yes", mutable: true },
  { name: "replica-serve-stale-data", aliases: ["slave-serve-stale-data"], type: "bool", default: "yes", mutable: true },
  { name: "replica-priority", aliases: ["slave-priority"], type: "int", default: "100", min: 0, max: 2147483647, mutable: true },
  { name: "replica-announce-port", aliases: ["slave-announce-port"], type: "int", default: "0", min: 0, max: 65535, mutable: true },
  { name: "replica-announce-ip", aliases: ["slave-announce-ip"], type: "string", default: "", mutable: true },
  { name: "repl-backlog-size", type: "memory", default: String(MB), min: 1, max: Number.MAX_SAFE_INTEGER, mutable: true },
  { name: "repl-backlog-ttl", type: "int", default: "3600", min: 0, max: 2147483647, mutable: true },
  { name: "repl-ping-replica-period", aliases: ["repl-ping-slave-period"], type: "int", default: "10", min: 1, max: 2147483647, mutable: true },
  { name: "repl-timeout", type: "int", default: "60", min: 1, max: 2147483647, mutable: true },
  { name: "repl-diskless-sync", type: "bool", default: "yes", mutable: true },
  { name: "repl-diskless-sync-delay", type: "int", default: "5", min: 0, max: 2147483647, mutable: true },
  { name: "min-replicas-to-write", aliases: ["min-slaves-to-write"], type: "int", default: "0", min: 0, max: 2147483647, mutable: true },
  { name: "min-replicas-max-lag", aliases: ["min-slaves-max-lag"], type: "int", default: "10", min: 0, max: 2147483647, mutable: true },
  { name: "maxmemory", type: "memory", default: "0", min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true },
  {
    name: "maxmemory-policy",
    type: "enum",
    default: "noeviction",
    values: ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"],
    mutable: true,
  },
  { name: "slowlog-log-slower-than", type: "int", default: "10000", min: -1, max: Number.MAX_SAFE_INTEGER, mutable: true },
  { name: "slowlog-max-len", type: "int", default: "128", min: 0, max: 2147483647, mutable: true },
  { name: "latency-monitor-threshold", type: "int", default: "0", min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true },
  { name: "notify-keyspace-events", type: "string", default: "", mutable: true },
  { name: "active-expire-effort", type: "int", default: "1", min: 1, max: 10, mutable: true },
  { name: "lfu-log-factor", type: "int", default: "10", min: 0, max: 2147483647, mutable: true },
  { name: "lfu-decay-time", type: "int", default: "1", min: 0, max: 2147483647, mutable: true },
  // Streams and HyperLogLog (streams branch).
  { name: "stream-node-max-bytes", type: "memory", default: "4096", min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true },
  { name: "stream-node-max-entries", type: "int", default: "100", min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true },
  { name: "hll-sparse-max-bytes", type: "memory", default: "3000", min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true },
];

export const PARAM_BY_NAME = new Map<string, ParamDef>();
for (const p of PARAMS) {
  PARAM_BY_NAME.set(p.name, p);
  for (const a of p.aliases ?? []) PARAM_BY_NAME.set(a, p);
}

/** Parse Redis's memory notation (1gb, 512mb, 100k, 1024) into bytes; NaN when invalid. */
export function parseMemory(s: string): number {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb)?$/i.exec(s.trim());
  if (m === null) return NaN;
  const n = Number(m[1]);
  const unit = (m[2] ?? "").toLowerCase();
  const mul: Record<string, number> = { "": 1, k: 1000, kb: 1024, m: 1000 * 1000, mb: MB, g: 1000 * 1000 * 1000, gb: GB };
  return n * mul[unit]!;
}

/** Current typed values, keyed by canonical name. */
export class Config {
  private values = new Map<string, string>();

  constructor() {
    for (const p of PARAMS) this.values.set(p.name, p.default);
  }

  /** Raw string value of a parameter (canonical or alias name). */
  get(name: string): string {
    const p = PARAM_BY_NAME.get(name);
    if (p === undefined) throw new Error(`unknown config '${name}'`);
    return this.values.get(p.name)!;
  }

  getInt(name: string): number {
    return Number(this.get(name));
  }

  getBool(name: string): boolean {
    return this.get(name) === "yes";
  }

  /**
   * Validate and store a value. Returns an error message (Redis's wording, without the
   * "ERR CONFIG SET failed" prefix) or null on success.
   */
  set(name: string, value: string): string | null {
    const p = PARAM_BY_NAME.get(name);
    if (p === undefined) return "Unknown option or number of arguments for CONFIG SET - '" + name + "'";
    const norm = normalize(p, value);
    if (typeof norm !== "string") return norm.error;
    this.values.set(p.name, norm);
    return null;
  }
}

function normalize(p: ParamDef, v: string): string | { error: string } {
  switch (p.type) {
    case "bool": {
      const l = v.toLowerCase();
      if (l === "yes" || l === "no") return l;
      return { error: "argument must be 'yes' or 'no'" };
    }
    case "int":
    case "memory": {
      const n = p.type === "memory" ? parseMemory(v) : /^-?\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isFinite(n)) return { error: p.type === "memory" ? "argument must be a memory value" : "argument couldn't be parsed into an integer" };
      if ((p.min !== undefined && n < p.min) || (p.max !== undefined && n > p.max)) {
        return { error: `argument must be between ${p.min} and ${p.max} inclusive` };
      }
      return String(n);
    }
    case "enum": {
      const l = v.toLowerCase();
      if (p.values!.includes(l)) return l;
      return { error: "argument(s) must be one of the following: " + p.values!.join(", ") };
    }
    default:
      return v;
  }
}
