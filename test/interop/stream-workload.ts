/**
 * Seeded random stream workloads (keys s1, s2 and a string key): mostly valid XADD IDs, trims,
 * ranges, consumer groups, reads, acks, claims and introspection, for differential tests.
 */
import type { Arg, Gen } from "./families.ts";

export /** A random sequence of stream commands on keys s1, s2 (and a string key), mostly valid. */
function randomWorkload(g: Gen, n: number): Arg[][] {
  const keys = ["s1", "s2"];
  const last = new Map<string, [number, number]>([
    ["s1", [0, 0]],
    ["s2", [0, 0]],
  ]);
  const added = new Map<string, string[]>([
    ["s1", []],
    ["s2", []],
  ]);
  const groups = ["g1", "g2"];
  const consumers = ["c1", "c2", "c3"];
  const vocab = ["f", "g", "name", "1", "-7", "12345678901", "v"];
  const cmds: Arg[][] = [["SET", "str", "x"]];
  const anyId = (key: string): string => {
    const ids = added.get(key)!;
    if (ids.length > 0 && g.chance(0.7)) return g.pick(ids);
    const [ms] = last.get(key)!;
    return `${g.int(ms + 3)}-${g.int(3)}`;
  };
  const bound = (key: string, lo: boolean): string => {
    const r = g.int(6);
    if (r === 0) return lo ? "-" : "+";
    if (r === 1) return `(${anyId(key)}`;
    if (r === 2) return String(g.int((last.get(key)![0] ?? 0) + 2));
    return anyId(key);
  };
  for (let i = 0; i < n; i++) {
    const key = g.pick(keys);
    const grp = g.pick(groups);
    const con = g.pick(consumers);
    const op = g.int(100);
    if (op < 30) {
      const [ms, seq] = last.get(key)!;
      let id: string;
      const r = g.int(10);
      if (r < 5) id = `${ms + 1 + g.int(3)}-${g.int(2)}`;
      else if (r < 7) id = `${ms}-${seq + 1}`;
      else if (r < 8) id = `${ms + g.int(2)}-*`;
      else if (r < 9) id = `${Math.max(0, ms - 1)}-${g.int(3)}`;
      else id = String(ms + 1 + g.int(50));
      const cmd: Arg[] = ["XADD", key];
      if (g.chance(0.05)) cmd.push("NOMKSTREAM");
      if (g.chance(0.25)) {
        if (g.chance(0.5)) cmd.push("MAXLEN", g.pick(["~", "=", "~"]), String(g.int(25)));
        else cmd.push("MINID", g.pick(["~", "="]), anyId(key));
        if (cmd.includes("~") && g.chance(0.3)) cmd.push("LIMIT", String(g.int(12)));
      }
      cmd.push(id);
      const pairs = 1 + g.int(3);
      const same = g.chance(0.6);
      for (let p = 0; p < pairs; p++) cmd.push(same ? ["f", "g", "name"][p]! : g.pick(vocab), g.chance(0.1) ? "x".repeat(g.int(90)) : g.pick(vocab));
      cmds.push(cmd);
      // Track what would be added when the ID is valid (an estimate: the server decides).
      const m = /^(\d+)-(\d+|\*)$/.exec(id) ?? /^(\d+)$/.exec(id);
      if (m !== null) {
        const nms = Number(m[1]);
        const nseq = m[2] === undefined ? 0 : m[2] === "*" ? (nms === ms ? seq + 1 : 0) : Number(m[2]);
        if (nms > ms || (nms === ms && nseq > seq)) {
          last.set(key, [nms, nseq]);
          added.get(key)!.push(`${nms}-${nseq}`);
        }
      }
    } else if (op < 36) {
      const ids: string[] = [];
      for (let k = 0; k < 1 + g.int(3); k++) ids.push(anyId(key));
      cmds.push(["XDEL", key, ...ids]);
    } else if (op < 41) {
      if (g.chance(0.5)) cmds.push(["XTRIM", key, "MAXLEN", g.pick(["~", "=", "~"]), String(g.int(25))]);
      else cmds.push(["XTRIM", key, "MINID", g.pick(["~", "="]), anyId(key), ...(g.chance(0.3) ? [] : [])]);
    } else if (op < 49) {
      const rev = g.chance(0.4);
      const cmd: Arg[] = [rev ? "XREVRANGE" : "XRANGE", key, bound(key, !rev), bound(key, rev)];
      if (g.chance(0.4)) cmd.push("COUNT", String(g.int(6)));
      cmds.push(cmd);
    } else if (op < 51) cmds.push(["XLEN", key]);
    else if (op < 55) cmds.push(["XINFO", "STREAM", key, ...(g.chance(0.4) ? ["FULL", "COUNT", String(g.int(4))] : [])]);
    else if (op < 57) cmds.push(["XINFO", "GROUPS", key]);
    else if (op < 62) {
      const cmd: Arg[] = ["XGROUP", "CREATE", key, grp, g.pick(["$", "0", anyId(key)])];
      if (g.chance(0.3)) cmd.push("MKSTREAM");
      if (g.chance(0.2)) cmd.push("ENTRIESREAD", String(g.int(10) - 1));
      cmds.push(cmd);
    } else if (op < 64) {
      const cmd: Arg[] = ["XGROUP", "SETID", key, grp, g.pick(["$", "0", anyId(key)])];
      if (g.chance(0.3)) cmd.push("ENTRIESREAD", String(g.int(10) - 1));
      cmds.push(cmd);
    } else if (op < 65) cmds.push(["XGROUP", "DESTROY", key, grp]);
    else if (op < 67) cmds.push(["XGROUP", g.pick(["CREATECONSUMER", "DELCONSUMER"]), key, grp, con]);
    else if (op < 78) {
      const cmd: Arg[] = ["XREADGROUP", "GROUP", grp, con];
      if (g.chance(0.5)) cmd.push("COUNT", String(1 + g.int(4)));
      if (g.chance(0.15)) cmd.push("NOACK");
      if (g.chance(0.2)) cmd.push("STREAMS", "s1", "s2", g.pick([">", "0"]), g.pick([">", "0"]));
      else cmd.push("STREAMS", key, g.pick([">", ">", "0", anyId(key)]));
      cmds.push(cmd);
    } else if (op < 81) {
      const cmd: Arg[] = ["XREAD"];
      if (g.chance(0.5)) cmd.push("COUNT", String(g.int(4)));
      cmd.push("STREAMS", key, g.pick(["0", "$", anyId(key)]));
      cmds.push(cmd);
    } else if (op < 86) {
      const ids: string[] = [];
      for (let k = 0; k < 1 + g.int(3); k++) ids.push(anyId(key));
      cmds.push(["XACK", key, grp, ...ids]);
    } else if (op < 90) {
      const ids: string[] = [];
      for (let k = 0; k < 1 + g.int(3); k++) ids.push(anyId(key));
      const cmd: Arg[] = ["XCLAIM", key, grp, con, "0", ...ids];
      if (g.chance(0.4)) cmd.push("JUSTID");
      if (g.chance(0.2)) cmd.push("RETRYCOUNT", String(g.int(5)));
      if (g.chance(0.2)) cmd.push("FORCE");
      if (g.chance(0.1)) cmd.push("LASTID", anyId(key));
      cmds.push(cmd);
    } else if (op < 93) {
      const cmd: Arg[] = ["XAUTOCLAIM", key, grp, con, "0", g.pick(["0", "-", anyId(key)])];
      if (g.chance(0.5)) cmd.push("COUNT", String(1 + g.int(4)));
      if (g.chance(0.3)) cmd.push("JUSTID");
      cmds.push(cmd);
    } else if (op < 97) {
      if (g.chance(0.4)) cmds.push(["XPENDING", key, grp]);
      else cmds.push(["XPENDING", key, grp, bound(key, true), bound(key, false), String(g.int(6)), ...(g.chance(0.3) ? [con] : [])]);
    } else if (op < 98) {
      const [ms, seq] = last.get(key)!;
      cmds.push(["XSETID", key, `${ms + g.int(2)}-${seq}`]);
      if (ms + 1 > ms) last.set(key, [ms + 1, seq]);
    } else if (op < 99) cmds.push([g.pick(["XADD", "XRANGE", "XREADGROUP", "XINFO"]), "str", ...(g.chance(0.5) ? ["1-1", "a", "b"] : ["-", "+"])]);
    else {
      cmds.push(["DEL", key]);
      last.set(key, [0, 0]);
      added.set(key, []);
    }
  }
  for (const key of keys) cmds.push(["XINFO", "STREAM", key, "FULL"], ["XINFO", "GROUPS", key], ["XRANGE", key, "-", "+"]);
  return cmds;
}
