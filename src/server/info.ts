/**
 * INFO: sections with Redis 7.0's field names and order, values as true as Kedis can give.
 *
 * Each section is a provider returning `[field, value]` pairs; the server keeps them in
 * `infoSections` (lowercase name → provider), so the persistence or replication layers can
 * replace the default provider of their section. Counters that other layers own (blocked
 * clients, pub/sub channels, evicted keys, ...) are read through `InfoGauges`, which those layers
 * fill in; until they do, the gauges read 0.
 */
import { cpus, machine, release, totalmem, type } from "node:os";
import type { Server } from "./server.ts";
import { KEDIS_VERSION, REDIS_VERSION } from "../util/version.ts";

export type InfoFields = [string, string | number][];
export type InfoProvider = (server: Server) => InfoFields;

/** Counters owned by other layers, read by INFO (each defaults to 0). */
export interface InfoGauges {
  blockedClients: () => number;
  trackingClients: () => number;
  clientsInTimeoutTable: () => number;
  pubsubChannels: () => number;
  pubsubPatterns: () => number;
  pubsubShardChannels: () => number;
  evictedKeys: () => number;
  evictedClients: () => number;
  connectedReplicas: () => number;
  trackingTotalKeys: () => number;
  trackingTotalItems: () => number;
  trackingTotalPrefixes: () => number;
  usedMemoryLua: () => number;
  usedMemoryScripts: () => number;
  cachedScripts: () => number;
  functions: () => number;
  libraries: () => number;
  memReplicationBacklog: () => number;
  memAofBuffer: () => number;
}

export function defaultGauges(): InfoGauges {
  const zero = () => 0;
  return {
    blockedClients: zero,
    trackingClients: zero,
    clientsInTimeoutTable: zero,
    pubsubChannels: zero,
    pubsubPatterns: zero,
    pubsubShardChannels: zero,
    evictedKeys: zero,
    evictedClients: zero,
    connectedReplicas: zero,
    trackingTotalKeys: zero,
    trackingTotalItems: zero,
    trackingTotalPrefixes: zero,
    usedMemoryLua: zero,
    usedMemoryScripts: zero,
    cachedScripts: zero,
    functions: zero,
    libraries: zero,
    memReplicationBacklog: zero,
    memAofBuffer: zero,
  };
}

/** Sections in the order Redis prints them, and which ones `INFO` / `INFO default` include. */
export const SECTION_ORDER = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"];
const DEFAULT_SECTIONS = new Set(["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "errorstats", "cluster", "keyspace"]);
const TITLES: Record<string, string> = {
  server: "Server",
  clients: "Clients",
  memory: "Memory",
  persistence: "Persistence",
  stats: "Stats",
  replication: "Replication",
  cpu: "CPU",
  modules: "Modules",
  commandstats: "Commandstats",
  errorstats: "Errorstats",
  latencystats: "Latencystats",
  cluster: "Cluster",
  keyspace: "Keyspace",
};

/**
 * The INFO text for the requested section names (any case; none means `default`; `all` is
 * every section, `everything` too since Kedis has no module sections). Unknown names are
 * ignored, as Redis does.
 */
export function genInfo(server: Server, args: readonly string[]): string {
  const want = new Set<string>();
  if (args.length === 0) args = ["default"];
  for (const raw of args) {
    const a = raw.toLowerCase();
    if (a === "all" || a === "everything") for (const s of SECTION_ORDER) want.add(s);
    else if (a === "default") for (const s of DEFAULT_SECTIONS) want.add(s);
    else want.add(a);
  }
  const parts: string[] = [];
  const extra = [...server.infoSections.keys()].filter((s) => !SECTION_ORDER.includes(s));
  for (const name of [...SECTION_ORDER, ...extra]) {
    if (!want.has(name)) continue;
    const provider = server.infoSections.get(name);
    if (provider === undefined) continue;
    let text = `# ${TITLES[name] ?? name[0]!.toUpperCase() + name.slice(1)}\r\n`;
    for (const [k, v] of provider(server)) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join("\r\n");
}

// -------------------------------------------------------------------------------------------------
// Formatting helpers

/** Redis's bytesToHuman: `1.06M`, `200B`. */
export function bytesToHuman(n: number): string {
  const units = ["K", "M", "G", "T", "P"];
  if (n < 1024) return `${Math.floor(n)}B`;
  let v = n / 1024;
  for (const u of units) {
    if (v < 1024 || u === "P") return `${v.toFixed(2)}${u}`;
    v /= 1024;
  }
  return `${n}B`;
}

/** Seconds with microseconds, as Redis prints CPU times (`0.244898`). */
function cpuSeconds(usec: number): string {
  return (usec / 1e6).toFixed(6);
}

/** Memory in use by the JS heap and buffers: Kedis's used_memory. */
export function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

// -------------------------------------------------------------------------------------------------
// Default providers

function serverSection(s: Server): InfoFields {
  const now = s.clock();
  const up = Math.floor((now - s.startTime) / 1000);
  return [
    ["redis_version", REDIS_VERSION],
    ["redis_git_sha1", "00000000"],
    ["redis_git_dirty", 0],
    ["redis_build_id", "0"],
    ["redis_mode", "standalone"],
    ["os", `${type()} ${release()} ${machine()}`],
    ["arch_bits", process.arch.endsWith("64") ? 64 : 32],
    ["monotonic_clock", "POSIX clock_gettime"],
    ["multiplexing_api", process.platform === "linux" ? "epoll" : process.platform === "darwin" ? "kqueue" : "evport"],
    ["atomicvar_api", "c11-builtin"],
    ["gcc_version", "0.0.0"],
    ["process_id", process.pid],
    ["process_supervised", "no"],
    ["run_id", s.runId],
    ["tcp_port", s.port],
    ["server_time_usec", Math.floor((s.clock === Date.now ? performance.timeOrigin + performance.now() : now) * 1000)],
    ["uptime_in_seconds", up],
    ["uptime_in_days", Math.floor(up / 86400)],
    ["hz", s.config.getInt("hz")],
    ["configured_hz", s.config.getInt("hz")],
    ["lru_clock", Math.floor(now / 1000) & 0xffffff],
    ["executable", s.executable],
    ["config_file", s.configFile ?? ""],
    ["io_threads_active", 0],
    ["kedis_version", KEDIS_VERSION],
  ];
}

function clientsSection(s: Server): InfoFields {
  const g = s.gauges;
  let maxIn = 0;
  let maxOut = 0;
  for (const c of s.clients.values()) {
    if (c.pendingOutput > maxOut) maxOut = c.pendingOutput;
    const q = c.reader.pending;
    if (q > maxIn) maxIn = q;
  }
  return [
    ["connected_clients", s.clients.size - g.connectedReplicas()],
    ["cluster_connections", 0],
    ["maxclients", s.config.getInt("maxclients")],
    ["client_recent_max_input_buffer", maxIn],
    ["client_recent_max_output_buffer", maxOut],
    ["blocked_clients", g.blockedClients()],
    ["tracking_clients", g.trackingClients()],
    ["clients_in_timeout_table", g.clientsInTimeoutTable()],
  ];
}

function ratio(a: number, b: number): string {
  return b === 0 ? "0.00" : (a / b).toFixed(2);
}

function memorySection(s: Server): InfoFields {
  const g = s.gauges;
  const used = usedMemory();
  s.stats.peakMemory = Math.max(s.stats.peakMemory, used);
  const peak = s.stats.peakMemory;
  const rss = process.memoryUsage.rss();
  const startup = s.stats.startupMemory;
  let clientsMem = 0;
  for (const c of s.clients.values()) clientsMem += c.pendingOutput + c.reader.pending;
  const backlog = g.memReplicationBacklog();
  const aofBuf = g.memAofBuffer();
  const overhead = Math.min(used, startup + clientsMem + backlog + aofBuf);
  const dataset = used - overhead;
  const lua = g.usedMemoryLua();
  const scripts = g.usedMemoryScripts();
  const maxmemory = s.config.getInt("maxmemory");
  const netUsed = used - startup;
  return [
    ["used_memory", used],
    ["used_memory_human", bytesToHuman(used)],
    ["used_memory_rss", rss],
    ["used_memory_rss_human", bytesToHuman(rss)],
    ["used_memory_peak", peak],
    ["used_memory_peak_human", bytesToHuman(peak)],
    ["used_memory_peak_perc", `${((used / peak) * 100).toFixed(2)}%`],
    ["used_memory_overhead", overhead],
    ["used_memory_startup", startup],
    ["used_memory_dataset", dataset],
    ["used_memory_dataset_perc", `${netUsed > 0 ? ((dataset * 100) / netUsed).toFixed(2) : "0.00"}%`],
    ["allocator_allocated", used],
    ["allocator_active", used],
    ["allocator_resident", rss],
    ["total_system_memory", totalmem()],
    ["total_system_memory_human", bytesToHuman(totalmem())],
    ["used_memory_lua", lua],
    ["used_memory_vm_eval", lua],
    ["used_memory_lua_human", bytesToHuman(lua)],
    ["used_memory_scripts_eval", scripts],
    ["number_of_cached_scripts", g.cachedScripts()],
    ["number_of_functions", g.functions()],
    ["number_of_libraries", g.libraries()],
    ["used_memory_vm_functions", 0],
    ["used_memory_vm_total", lua],
    ["used_memory_vm_total_human", bytesToHuman(lua)],
    ["used_memory_functions", 0],
    ["used_memory_scripts", scripts],
    ["used_memory_scripts_human", bytesToHuman(scripts)],
    ["maxmemory", maxmemory],
    ["maxmemory_human", bytesToHuman(maxmemory)],
    ["maxmemory_policy", s.config.get("maxmemory-policy")],
    ["allocator_frag_ratio", "1.00"],
    ["allocator_frag_bytes", 0],
    ["allocator_rss_ratio", ratio(rss, used)],
    ["allocator_rss_bytes", rss - used],
    ["rss_overhead_ratio", "1.00"],
    ["rss_overhead_bytes", 0],
    ["mem_fragmentation_ratio", ratio(rss, used)],
    ["mem_fragmentation_bytes", rss - used],
    ["mem_not_counted_for_evict", backlog + aofBuf],
    ["mem_replication_backlog", backlog],
    ["mem_total_replication_buffers", backlog],
    ["mem_clients_slaves", 0],
    ["mem_clients_normal", clientsMem],
    ["mem_cluster_links", 0],
    ["mem_aof_buffer", aofBuf],
    // Not jemalloc, so tools skip jemalloc-only checks (Bun allocates with its own allocator).
    ["mem_allocator", "libc"],
    ["active_defrag_running", 0],
    ["lazyfree_pending_objects", 0],
    ["lazyfreed_objects", 0],
  ];
}

function persistenceSection(s: Server): InfoFields {
  return [
    ["loading", 0],
    ["async_loading", 0],
    ["current_cow_peak", 0],
    ["current_cow_size", 0],
    ["current_cow_size_age", 0],
    ["current_fork_perc", "0.00"],
    ["current_save_keys_processed", 0],
    ["current_save_keys_total", 0],
    ["rdb_changes_since_last_save", s.dirty],
    ["rdb_bgsave_in_progress", 0],
    ["rdb_last_save_time", s.lastSave],
    ["rdb_last_bgsave_status", "ok"],
    ["rdb_last_bgsave_time_sec", -1],
    ["rdb_current_bgsave_time_sec", -1],
    ["rdb_saves", 0],
    ["rdb_last_cow_size", 0],
    ["rdb_last_load_keys_expired", 0],
    ["rdb_last_load_keys_loaded", 0],
    ["aof_enabled", s.config.getBool("appendonly") ? 1 : 0],
    ["aof_rewrite_in_progress", 0],
    ["aof_rewrite_scheduled", 0],
    ["aof_last_rewrite_time_sec", -1],
    ["aof_current_rewrite_time_sec", -1],
    ["aof_last_bgrewrite_status", "ok"],
    ["aof_rewrites", 0],
    ["aof_rewrites_consecutive_failures", 0],
    ["aof_last_write_status", "ok"],
    ["aof_last_cow_size", 0],
    ["module_fork_in_progress", 0],
    ["module_fork_last_cow_size", 0],
  ];
}

function statsSection(s: Server): InfoFields {
  const st = s.stats;
  const g = s.gauges;
  const ks = s.ks.stats;
  return [
    ["total_connections_received", st.connectionsReceived],
    ["total_commands_processed", st.commandsProcessed],
    ["instantaneous_ops_per_sec", s.metrics.opsPerSec()],
    ["total_net_input_bytes", st.netInputBytes],
    ["total_net_output_bytes", st.netOutputBytes],
    ["total_net_repl_input_bytes", 0],
    ["total_net_repl_output_bytes", 0],
    ["instantaneous_input_kbps", s.metrics.inputKbps().toFixed(2)],
    ["instantaneous_output_kbps", s.metrics.outputKbps().toFixed(2)],
    ["instantaneous_input_repl_kbps", "0.00"],
    ["instantaneous_output_repl_kbps", "0.00"],
    ["rejected_connections", st.rejectedConnections],
    ["sync_full", s.repl.stats.full],
    ["sync_partial_ok", s.repl.stats.partialOk],
    ["sync_partial_err", s.repl.stats.partialErr],
    ["expired_keys", ks.expired],
    ["expired_stale_perc", "0.00"],
    ["expired_time_cap_reached_count", 0],
    ["expire_cycle_cpu_milliseconds", 0],
    ["evicted_keys", g.evictedKeys()],
    ["evicted_clients", g.evictedClients()],
    ["total_eviction_exceeded_time", 0],
    ["current_eviction_exceeded_time", 0],
    ["keyspace_hits", ks.hits],
    ["keyspace_misses", ks.misses],
    ["pubsub_channels", g.pubsubChannels()],
    ["pubsub_patterns", g.pubsubPatterns()],
    ["pubsubshard_channels", g.pubsubShardChannels()],
    ["latest_fork_usec", 0],
    ["total_forks", 0],
    ["migrate_cached_sockets", 0],
    ["slave_expires_tracked_keys", 0],
    ["active_defrag_hits", 0],
    ["active_defrag_misses", 0],
    ["active_defrag_key_hits", 0],
    ["active_defrag_key_misses", 0],
    ["total_active_defrag_time", 0],
    ["current_active_defrag_time", 0],
    ["tracking_total_keys", g.trackingTotalKeys()],
    ["tracking_total_items", g.trackingTotalItems()],
    ["tracking_total_prefixes", g.trackingTotalPrefixes()],
    ["unexpected_error_replies", 0],
    ["total_error_replies", st.errorReplies],
    ["dump_payload_sanitizations", 0],
    ["total_reads_processed", st.readsProcessed],
    ["total_writes_processed", st.writesProcessed],
    ["io_threaded_reads_processed", 0],
    ["io_threaded_writes_processed", 0],
    ["reply_buffer_shrinks", 0],
    ["reply_buffer_expands", 0],
  ];
}

function cpuSection(): InfoFields {
  const u = process.cpuUsage();
  return [
    ["used_cpu_sys", cpuSeconds(u.system)],
    ["used_cpu_user", cpuSeconds(u.user)],
    ["used_cpu_sys_children", "0.000000"],
    ["used_cpu_user_children", "0.000000"],
    ["used_cpu_sys_main_thread", cpuSeconds(u.system)],
    ["used_cpu_user_main_thread", cpuSeconds(u.user)],
  ];
}

function commandstatsSection(s: Server): InfoFields {
  const out: InfoFields = [];
  const st = s.cmdStats;
  for (const spec of s.registry.specs) {
    const id = spec.id;
    const calls = st.calls[id]!;
    const rejected = st.rejected[id]!;
    const failed = st.failed[id]!;
    if (calls === 0 && rejected === 0 && failed === 0) continue;
    const usec = Math.floor(st.usec[id]!);
    const per = calls === 0 ? 0 : st.usec[id]! / calls;
    out.push([`cmdstat_${spec.name}`, `calls=${calls},usec=${usec},usec_per_call=${per.toFixed(2)},rejected_calls=${rejected},failed_calls=${failed}`]);
  }
  return out;
}

function errorstatsSection(s: Server): InfoFields {
  return [...s.stats.errorCodes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([code, n]) => [`errorstat_${code}`, `count=${n}`]);
}

function latencystatsSection(s: Server): InfoFields {
  const pcts = s.config.get("latency-tracking-info-percentiles").split(" ").filter((w) => w !== "");
  const out: InfoFields = [];
  if (!s.config.getBool("latency-tracking")) return out;
  for (const spec of s.registry.specs) {
    if (s.histograms.count(spec.id) === 0) continue;
    const vals = pcts.map((p) => `p${p}=${s.histograms.percentile(spec.id, Number(p)).toFixed(3)}`);
    out.push([`latency_percentiles_usec_${spec.name}`, vals.join(",")]);
  }
  return out;
}

function keyspaceSection(s: Server): InfoFields {
  const out: InfoFields = [];
  const now = s.clock();
  for (const db of s.ks.dbs) {
    if (db.size === 0) continue;
    // Average TTL over a bounded walk of the expiry ring (Redis keeps a running estimate).
    let sum = 0;
    let n = 0;
    let e = db.ring;
    for (let i = 0; e !== null && i < 128; i++) {
      const ttl = e.expireAt - now;
      if (ttl > 0) {
        sum += ttl;
        n++;
      }
      e = e.expNext === db.ring ? null : e.expNext;
    }
    out.push([`db${db.id}`, `keys=${db.size},expires=${db.expires},avg_ttl=${n === 0 ? 0 : Math.floor(sum / n)}`]);
  }
  return out;
}

/** The default providers, keyed by lowercase section name. */
export function defaultInfoSections(): Map<string, InfoProvider> {
  return new Map<string, InfoProvider>([
    ["server", serverSection],
    ["clients", clientsSection],
    ["memory", memorySection],
    ["persistence", persistenceSection],
    ["stats", statsSection],
    ["cpu", cpuSection],
    ["modules", () => []],
    ["commandstats", commandstatsSection],
    ["errorstats", errorstatsSection],
    ["latencystats", latencystatsSection],
    ["cluster", () => [["cluster_enabled", 0]]],
    ["keyspace", keyspaceSection],
  ]);
}

/**
 * instantaneous_* metrics: samples taken by the cron every 100 ms, averaged over the last 16,
 * as Redis's trackInstantaneousMetric does.
 */
export class InstantMetrics {
  private readonly samples = { ops: new Float64Array(16), in: new Float64Array(16), out: new Float64Array(16) };
  private idx = 0;
  private lastTime = 0;
  private last = { ops: 0, in: 0, out: 0 };

  sample(nowMs: number, ops: number, inBytes: number, outBytes: number): void {
    if (this.lastTime === 0) {
      this.lastTime = nowMs;
      this.last = { ops, in: inBytes, out: outBytes };
      return;
    }
    const dt = nowMs - this.lastTime;
    if (dt < 100) return;
    const i = this.idx;
    this.samples.ops[i] = ((ops - this.last.ops) * 1000) / dt;
    this.samples.in[i] = ((inBytes - this.last.in) * 1000) / dt;
    this.samples.out[i] = ((outBytes - this.last.out) * 1000) / dt;
    this.idx = (i + 1) % 16;
    this.lastTime = nowMs;
    this.last = { ops, in: inBytes, out: outBytes };
  }

  private avg(a: Float64Array): number {
    let s = 0;
    for (let i = 0; i < 16; i++) s += a[i]!;
    return s / 16;
  }

  opsPerSec(): number {
    return Math.floor(this.avg(this.samples.ops));
  }
  inputKbps(): number {
    return this.avg(this.samples.in) / 1024;
  }
  outputKbps(): number {
    return this.avg(this.samples.out) / 1024;
  }
  reset(): void {
    this.samples.ops.fill(0);
    this.samples.in.fill(0);
    this.samples.out.fill(0);
  }
}

/** Number of CPUs (for MEMORY DOCTOR-style reports and tools). */
export const CPU_COUNT = cpus().length;
