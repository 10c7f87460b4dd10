/**
 * The INFO "persistence" section, field for field as Redis 7.0 prints it. Fork-related fields
 * (copy-on-write sizes) are 0: Kedis snapshots without forking; `current_save_keys_*` report
 * the running snapshot's progress.
 */
import type { Aof } from "./aof.ts";
import type { RdbManager } from "./rdb-manager.ts";

export interface PersistenceInfoSource {
  rdb: RdbManager;
  aof: Aof;
  dirty: number;
  loading: boolean;
  clock(): number;
}

export function persistenceInfoLines(s: PersistenceInfoSource): string[] {
  const { rdb, aof } = s;
  const now = s.clock();
  const bg = rdb.currentBgsave;
  const load = rdb.lastLoad;
  const lines = [
    `loading:${s.loading ? 1 : 0}`,
    "async_loading:0",
    "current_cow_peak:0",
    "current_cow_size:0",
    "current_cow_size_age:0",
    "current_fork_perc:0.00",
    `current_save_keys_processed:${bg === null ? 0 : bg.stats.keys}`,
    `current_save_keys_total:0`,
    `rdb_changes_since_last_save:${s.dirty}`,
    `rdb_bgsave_in_progress:${bg === null ? 0 : 1}`,
    `rdb_last_save_time:${Math.floor(rdb.lastSave / 1000)}`,
    `rdb_last_bgsave_status:${rdb.lastBgsaveStatusOk ? "ok" : "err"}`,
    `rdb_last_bgsave_time_sec:${rdb.lastBgsaveSeconds}`,
    `rdb_current_bgsave_time_sec:${bg === null ? -1 : Math.floor((now - rdb.bgsaveStartedAt) / 1000)}`,
    `rdb_saves:${rdb.saves}`,
    "rdb_last_cow_size:0",
    `rdb_last_load_keys_expired:${load === null ? 0 : load.expiredSkipped}`,
    `rdb_last_load_keys_loaded:${load === null ? 0 : load.keys}`,
    `aof_enabled:${aof.enabled ? 1 : 0}`,
    `aof_rewrite_in_progress:${aof.rewrite === null ? 0 : 1}`,
    `aof_rewrite_scheduled:${aof.rewriteScheduled ? 1 : 0}`,
    `aof_last_rewrite_time_sec:${aof.lastRewriteSeconds}`,
    `aof_current_rewrite_time_sec:${aof.rewrite === null ? -1 : Math.floor((now - aof.rewriteStartedAt) / 1000)}`,
    `aof_last_bgrewrite_status:${aof.lastRewriteOk ? "ok" : "err"}`,
    `aof_rewrites:${aof.rewrites}`,
    `aof_rewrites_consecutive_failures:${aof.lastRewriteOk ? 0 : 1}`,
    `aof_last_write_status:${aof.lastWriteOk ? "ok" : "err"}`,
    "aof_last_cow_size:0",
    "module_fork_in_progress:0",
    "module_fork_last_cow_size:0",
  ];
  if (aof.enabled) {
    lines.push(
      `aof_current_size:${aof.baseSize + aof.currentSize}`,
      `aof_base_size:${aof.baseSize}`,
      `aof_pending_rewrite:${aof.rewriteScheduled ? 1 : 0}`,
      "aof_buffer_length:0",
      "aof_pending_bio_fsync:0",
      "aof_delayed_fsync:0",
    );
  }
  return lines;
}
