/**
 * In-process harness for the set / sorted-set / SORT command tests: a Kedis server on a real
 * socket plus taps on its write stream (propagation), keyspace notifications and
 * modified-key signals.
 */
import { startKedis, type KedisHandle } from "../helpers/servers.ts";
import type { TestClient } from "../helpers/client.ts";

export interface Taps {
  /** Propagated commands as "CMD arg arg" (latin1). */
  prop: string[];
  /** Notifications as "event key". */
  events: string[];
  /** Modified-key signals (key names). */
  modified: string[];
}

const text = (b: Uint8Array) => String.fromCharCode(...b);

export async function startHarness(): Promise<{ k: KedisHandle; c: TestClient; taps: Taps; clear(): void }> {
  const k = await startKedis();
  const taps: Taps = { prop: [], events: [], modified: [] };
  const s = k.server;
  s.propagators.push((_db, argv) => taps.prop.push(argv.map(text).join(" ")));
  s.notifyFlags = 0xffff;
  // "new" (class n) is covered by the notification tests; here only the commands' own events.
  s.notifier = (_type, event, key) => {
    if (event !== "new") taps.events.push(`${event} ${text(key)}`);
  };
  s.onKeyModified.push((_db, key) => taps.modified.push(text(key)));
  const c = await k.client();
  return {
    k,
    c,
    taps,
    clear() {
      taps.prop.length = 0;
      taps.events.length = 0;
      taps.modified.length = 0;
    },
  };
}
