import { describe, expect, test } from "bun:test";
import { Config } from "../../../src/config/config.ts";
import {
  NOTIFY_ALL,
  NOTIFY_KEY_MISS,
  NOTIFY_NEW,
  formatNotifyKeyspaceEvents,
  parseNotifyKeyspaceEvents,
} from "../../../src/store/notify.ts";
import { exceedsOutputLimit, normalizeOutputLimits, OUTPUT_LIMIT_DEFAULT } from "../../../src/config/output-limits.ts";

describe("notify-keyspace-events", () => {
  // Pairs checked against redis-server 7.0: CONFIG SET <in>, CONFIG GET → <out>.
  const cases: [string, string][] = [
    ["KEA", "AKE"],
    ["", ""],
    ["Ag", "A"],
    ["Ag$lshzxeKEtmdn", "AKEm"],
    ["KEn", "nKE"],
    ["KEd", "dKE"],
    ["g$lshzxetd", "A"],
    ["nd", "dn"],
    ["mn", "nm"],
    ["EK", "KE"],
    ["Kdng", "gdnK"],
    ["$lshzxetKE", "$lshzxetKE"],
  ];
  test("canonical text matches what Redis prints back", () => {
    for (const [input, output] of cases) {
      const c = new Config();
      expect(c.set("notify-keyspace-events", input)).toBeNull();
      expect(c.get("notify-keyspace-events")).toBe(output);
    }
  });
  test("invalid letters are refused with Redis's text", () => {
    const c = new Config();
    for (const bad of ["KEq", "KE ", "k"]) {
      expect(c.set("notify-keyspace-events", bad)).toBe("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    }
  });
  test("A excludes m and n; they stay on when given with A", () => {
    expect(parseNotifyKeyspaceEvents("A")! & (NOTIFY_KEY_MISS | NOTIFY_NEW)).toBe(0);
    expect(parseNotifyKeyspaceEvents("An")! & NOTIFY_NEW).toBe(NOTIFY_NEW);
    expect(formatNotifyKeyspaceEvents(NOTIFY_ALL)).toBe("A");
  });
});

describe("client-output-buffer-limit", () => {
  test("partial updates keep the other classes and print Redis's canonical form", () => {
    const c = new Config();
    expect(c.get("client-output-buffer-limit")).toBe(OUTPUT_LIMIT_DEFAULT);
    expect(c.set("client-output-buffer-limit", "pubsub 1mb 512kb 10")).toBeNull();
    expect(c.get("client-output-buffer-limit")).toBe("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10");
    expect(c.set("client-output-buffer-limit", "normal 1k 2kb 3 replica 1g 1G 1")).toBeNull();
    expect(c.get("client-output-buffer-limit")).toBe("normal 1000 2048 3 slave 1000000000 1000000000 1 pubsub 1048576 524288 10");
    expect(c.set("client-output-buffer-limit", "")).toBeNull();
  });
  test("errors are Redis's texts", () => {
    const cur = OUTPUT_LIMIT_DEFAULT;
    expect(normalizeOutputLimits("pubsub 1mb 512kb", cur)).toEqual({ error: "Wrong number of arguments in buffer limit configuration." });
    expect(normalizeOutputLimits("master 1 1 1", cur)).toEqual({ error: "Invalid client class specified in buffer limit configuration." });
    for (const bad of ["pubsub x 1 1", "pubsub 1 1 x", "pubsub 1 1 -1", "pubsub -1 1 1"]) {
      expect(normalizeOutputLimits(bad, cur)).toEqual({ error: "Error in hard, soft or soft_seconds setting in buffer limit configuration." });
    }
  });
  test("hard limit closes at once; soft limit only after staying above it for the seconds", () => {
    const l = { hard: 1000, soft: 100, softSeconds: 2 };
    expect(exceedsOutputLimit(l, 1000, 0, 5000).close).toBe(true);
    let r = exceedsOutputLimit(l, 150, 0, 5000);
    expect(r).toEqual({ close: false, since: 5000 });
    r = exceedsOutputLimit(l, 150, r.since, 7000);
    expect(r.close).toBe(false);
    expect(exceedsOutputLimit(l, 150, 5000, 7001).close).toBe(true);
    expect(exceedsOutputLimit(l, 50, 5000, 9000)).toEqual({ close: false, since: 0 });
    expect(exceedsOutputLimit({ hard: 0, soft: 0, softSeconds: 0 }, 1e12, 0, 1).close).toBe(false);
  });
});
