/**
 * --scan: list keys with SCAN (MATCH --pattern, COUNT --count, TYPE --type), one per line;
 * quoted in the terminal style, as they are otherwise. -i sleeps between SCAN calls.
 */
import { quote } from "../format.ts";
import { err, out, sleep } from "../io.ts";
import type { CliOptions } from "../options.ts";
import type { Reply } from "../reply.ts";
import { Session } from "../session.ts";

/** Walk the keyspace with SCAN, calling `each` with every batch of keys. */
export async function scanKeys(s: Session, o: CliOptions, each: (keys: string[]) => Promise<void> | void): Promise<boolean> {
  let cursor = "0";
  do {
    const args = ["SCAN", cursor];
    if (o.pattern !== "*") args.push("MATCH", o.pattern);
    if (o.count !== null) args.push("COUNT", String(o.count));
    if (o.type !== null && o.mode === "scan") args.push("TYPE", o.type);
    let r: Reply;
    try {
      r = await s.conn!.call(args);
    } catch {
      err("Error: Server closed the connection\n");
      return false;
    }
    if (r.t === "error") {
      err(`${r.s}\n`);
      return false;
    }
    if (r.t !== "array" || r.items.length !== 2) {
      err("Unexpected SCAN reply\n");
      return false;
    }
    const [c, keys] = r.items;
    cursor = c!.t === "bulk" || c!.t === "status" ? c!.s : "0";
    await each(keys!.t === "array" ? keys!.items.map((k) => ("s" in k ? k.s : "")) : []);
    if (cursor !== "0" && o.intervalMs > 0) await sleep(o.intervalMs);
  } while (cursor !== "0");
  return true;
}

export async function scanMode(o: CliOptions): Promise<number> {
  const s = new Session(o);
  if (!(await s.connect())) return 1;
  const ok = await scanKeys(s, o, (keys) => {
    if (keys.length === 0) return;
    out(keys.map((k) => (o.output === "tty" ? quote(k) : k)).join("\n") + "\n");
  });
  s.close();
  return ok ? 0 : 1;
}
