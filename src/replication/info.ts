/**
 * The INFO "replication" section, field for field as Redis 7.0 prints it for a primary and for
 * a replica (Sentinel and tools parse these lines).
 */
import type { ReplicationPrimary } from "./primary.ts";
import type { ReplicaLink } from "./replica.ts";

export interface ReplInfoSource {
  repl: ReplicationPrimary;
  replica: ReplicaLink | null;
  clock(): number;
  config: { getInt(name: string): number; getBool(name: string): boolean };
}

export function replicationInfoLines(s: ReplInfoSource): string[] {
  const out: string[] = [];
  const r = s.replica;
  const now = s.clock();
  if (r === null) out.push("role:master");
  else {
    out.push("role:slave", `master_host:${r.host}`, `master_port:${r.port}`, `master_link_status:${r.linkUp ? "up" : "down"}`);
    out.push(`master_last_io_seconds_ago:${r.linkUp ? Math.floor((now - r.lastIo) / 1000) : -1}`);
    const syncing = r.state === "sync";
    out.push(`master_sync_in_progress:${syncing ? 1 : 0}`);
    out.push(`slave_read_repl_offset:${Math.max(0, r.readOffset)}`, `slave_repl_offset:${Math.max(0, r.offset)}`);
    if (syncing) {
      const total = r.syncExpected >= 0 ? r.syncExpected : -1;
      out.push(
        `master_sync_total_bytes:${total}`,
        `master_sync_read_bytes:${r.syncReceived}`,
        `master_sync_left_bytes:${total >= 0 ? total - r.syncReceived : -1}`,
        `master_sync_perc:${total > 0 ? ((r.syncReceived * 100) / total).toFixed(2) : "0.00"}`,
        `master_sync_last_io_seconds_ago:${Math.floor((now - r.lastIo) / 1000)}`,
      );
    }
    if (!r.linkUp) out.push(`master_link_down_since_seconds:${Math.floor((now - r.linkDownSince) / 1000)}`);
    out.push(`slave_priority:${s.config.getInt("replica-priority")}`, `slave_read_only:${s.config.getBool("replica-read-only") ? 1 : 0}`, `replica_announced:${s.config.getBool("replica-announced") ? 1 : 0}`);
  }
  const repl = s.repl;
  const online = [...repl.links.values()];
  out.push(`connected_slaves:${online.length}`);
  online.forEach((l, i) => {
    const ip = l.ipAddress !== "" ? l.ipAddress : l.conn.addr.slice(0, l.conn.addr.lastIndexOf(":"));
    const lag = Math.floor((now - l.ackTime) / 1000);
    out.push(`slave${i}:ip=${ip},port=${l.listeningPort},state=${l.state},offset=${l.ackOffset},lag=${lag}`);
  });
  out.push("master_failover_state:no-failover", `master_replid:${repl.replid}`, `master_replid2:${repl.replid2}`);
  out.push(`master_repl_offset:${repl.offset}`, `second_repl_offset:${repl.secondReplOffset}`);
  const b = repl.backlog;
  out.push(`repl_backlog_active:${b === null ? 0 : 1}`, `repl_backlog_size:${s.config.getInt("repl-backlog-size")}`);
  out.push(`repl_backlog_first_byte_offset:${b === null ? 0 : b.firstOffset}`, `repl_backlog_histlen:${b === null ? 0 : b.histlen}`);
  return out;
}
