/**
 * --stat: one line of server figures per interval (-i, default 1 s) from INFO: keys, memory,
 * clients, blocked clients, commands processed (and the change), connections received, and the
 * background child at work. The header repeats every 20 lines, as in redis-cli.
 */
import { err, out, sleep } from "../io.ts";
import type { CliOptions } from "../options.ts";
import { Session } from "../session.ts";
import { bytesToHuman, parseInfo, totalKeys } from "./info.ts";

const HEADER =
  "------- data ------ --------------------- load -------------------- - child -\n" +
  "keys       mem      clients blocked requests            connections          \n";

export async function statMode(o: CliOptions): Promise<number> {
  const s = new Session(o);
  if (!(await s.connect())) return 1;
  const interval = o.intervalGiven ? o.intervalMs : 1000;
  let lastRequests: number | null = null;
  for (let line = 0; ; line++) {
    let text: string;
    try {
      const r = await s.conn!.call(["INFO"]);
      if (r.t === "error") {
        err(`ERROR: ${r.s}\n`);
        return 1;
      }
      text = "s" in r ? r.s : "";
    } catch {
      err("Error: Server closed the connection\n");
      return 1;
    }
    const info = parseInfo(text);
    if (line % 20 === 0) out(HEADER);
    const requests = Number(info.get("total_commands_processed") ?? "0");
    const delta = lastRequests === null ? 0 : requests - lastRequests;
    lastRequests = requests;
    let child = "";
    if (info.get("rdb_bgsave_in_progress") === "1") child = "RDB";
    else if (info.get("aof_rewrite_in_progress") === "1") child = "AOF";
    out(
      String(totalKeys(info)).padEnd(11) +
        bytesToHuman(Number(info.get("used_memory") ?? "0")).padEnd(9) +
        (info.get("connected_clients") ?? "0").padEnd(8) +
        (info.get("blocked_clients") ?? "0").padEnd(8) +
        `${requests} (+${delta})`.padEnd(20) +
        (info.get("total_connections_received") ?? "0").padEnd(12) +
        child +
        "\n",
    );
    await sleep(interval);
  }
}
