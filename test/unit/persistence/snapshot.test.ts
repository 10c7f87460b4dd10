import { describe, expect, test } from "bun:test";
import { Snapshot } from "../../../src/persistence/snapshot.ts";
import { parseRdb } from "../../../src/persistence/rdb/parse.ts";
import { Keyspace } from "../../../src/store/database.ts";
import { OBJ_STRING } from "../../../src/store/value.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const b = (s: string) => enc.encode(s);

function rng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Contents of a keyspace as "db:key" → value text. */
function image(ks: Keyspace): Map<string, string> {
  const m = new Map<string, string>();
  ks.dbs.forEach((db) => db.dict.forEach((e) => m.set(`${db.id}:${dec.decode(e.key)}`, dec.decode(e.value as Uint8Array))));
  return m;
}

function parsed(bytes: Uint8Array): Map<string, string> {
  const m = new Map<string, string>();
  parseRdb(bytes, {
    onKey: (k) => {
      const id = `${k.db}:${dec.decode(k.key)}`;
      if (m.has(id)) throw new Error(`key written twice: ${id}`);
      if (k.value.type !== "string") throw new Error("unexpected type");
      m.set(id, dec.decode(k.value.value));
    },
  });
  return m;
}

function collect(): { sink: (c: Uint8Array) => void; bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  return {
    sink: (c) => chunks.push(c.slice()),
    bytes: () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
      }
      return out;
    },
  };
}

const aux = { redisVersion: "7.0.15", ctime: Date.now(), usedMem: 0 };

describe("fork-less snapshot", () => {
  test("a synchronous snapshot contains every key of every database exactly once", () => {
    const ks = new Keyspace(16);
    for (let i = 0; i < 5000; i++) ks.dbs[i % 3]!.setString(b(`k${i}`), b(`v${i}`));
    const out = collect();
    new Snapshot(ks, { sink: out.sink, aux }).runSync();
    expect(parsed(out.bytes())).toEqual(image(ks));
    expect(ks.snapshotHook).toBeNull();
  });

  test("writes interleaved with the walk (updates, deletes, adds, renames, flush, swap) leave the start image", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const r = rng(seed);
      const ks = new Keyspace(4);
      for (let i = 0; i < 3000; i++) ks.dbs[i % 4]!.setString(b(`k${i}`), b(`v${i}`));
      const before = image(ks);
      const out = collect();
      const snap = new Snapshot(ks, { sink: out.sink, aux });
      let ops = 0;
      while (!snap.finished) {
        snap.step(0); // the smallest slice: interleave as much as possible
        for (let j = 0; j < 20; j++) {
          const db = ks.dbs[Math.floor(r() * 4)]!;
          const key = b(`k${Math.floor(r() * 4000)}`);
          const x = r();
          ops++;
          if (x < 0.4) {
            const e = db.lookupWrite(key);
            if (e !== null) e.value = b(`changed-${ops}`);
            else db.setString(key, b(`new-${ops}`));
          } else if (x < 0.7) db.delete(key);
          else if (x < 0.9) db.setString(key, b(`set-${ops}`));
          else if (x < 0.95) {
            const e = db.lookupWrite(key);
            if (e !== null) {
              const v = e.value;
              db.delete(key);
              ks.dbs[(db.id + 1) % 4]!.set(b(`moved-${ops}`), OBJ_STRING, v);
            }
          } else if (x < 0.98) db.flush();
          else ks.swap(0, 1 + Math.floor(r() * 3));
        }
      }
      expect(parsed(out.bytes())).toEqual(before);
      expect(snap.stats.cowKeys).toBeGreaterThan(0);
    }
  });

  test("a second snapshot after the first includes the changes made meanwhile", () => {
    const ks = new Keyspace(2);
    ks.dbs[0]!.setString(b("a"), b("1"));
    const first = collect();
    new Snapshot(ks, { sink: first.sink, aux }).runSync();
    ks.dbs[0]!.setString(b("a"), b("2"));
    ks.dbs[1]!.setString(b("b"), b("3"));
    const second = collect();
    new Snapshot(ks, { sink: second.sink, aux }).runSync();
    expect(parsed(second.bytes())).toEqual(new Map([["0:a", "2"], ["1:b", "3"]]));
  });

  test("background walk yields to the event loop between slices", async () => {
    const ks = new Keyspace(1);
    for (let i = 0; i < 20000; i++) ks.dbs[0]!.setString(b(`key:${i}`), b("x".repeat(50)));
    const out = collect();
    const snap = new Snapshot(ks, { sink: out.sink, aux, sliceMs: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const stats = await snap.runInBackground();
    clearInterval(timer);
    expect(stats.slices).toBeGreaterThan(1);
    expect(ticks).toBeGreaterThan(0);
    expect(parsed(out.bytes()).size).toBe(20000);
  });
});
