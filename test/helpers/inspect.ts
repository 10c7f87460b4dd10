/**
 * In-process views of a Kedis server for behaviour tests: key entries, OBJECT ENCODING names and
 * expiries read straight from the keyspace, the propagated write stream, keyspace events, and
 * keys of a type whose commands may not exist yet (for WRONGTYPE paths).
 */
import type { Server } from "../../src/server/server.ts";
import { OBJ_LIST, encodingName, type Collection, type KeyEntry } from "../../src/store/value.ts";
import { latin1Decode, latin1Encode } from "./resp.ts";

export function entryOf(server: Server, key: string, db = 0): KeyEntry | null {
  const e = server.ks.dbs[db]!.dict.get(latin1Encode(key));
  if (e === null || server.ks.dbs[db]!.isExpired(e)) return null;
  return e;
}

/** What OBJECT ENCODING would say, or null for a missing key. */
export function encodingOf(server: Server, key: string, db = 0): string | null {
  const e = entryOf(server, key, db);
  return e === null ? null : encodingName(e);
}

/** Absolute expiry in ms (Redis's PEXPIRETIME): -1 without expiry, -2 when missing. */
export function expireTimeOf(server: Server, key: string, db = 0): number {
  const e = entryOf(server, key, db);
  if (e === null) return -2;
  return e.expireAt;
}

/** Record every propagated command as one space-joined latin1 line. */
export function captureWrites(server: Server): string[] {
  const out: string[] = [];
  server.propagators.push((dbid, argv) => out.push(`${dbid}: ${argv.map(latin1Decode).join(" ")}`));
  return out;
}

/** Record every keyspace event as "event:key" (all classes enabled). */
export function captureEvents(server: Server): string[] {
  const out: string[] = [];
  server.notifyFlags = 0x7fffffff;
  server.notifier = (_type, event, key) => {
    if (event !== "new") out.push(`${event}:${latin1Decode(key)}`); // "new" (class n) is tested in notifications
  };
  return out;
}

class FakeList implements Collection {
  size = 1;
  encoding(): string {
    return "listpack";
  }
  clone(): Collection {
    return new FakeList();
  }
}

/** Make `key` hold a (placeholder) list, for WRONGTYPE tests before LIST commands exist. */
export function putList(server: Server, key: string, db = 0): void {
  const d = server.ks.dbs[db]!;
  d.delete(latin1Encode(key));
  d.add(latin1Encode(key), OBJ_LIST, new FakeList());
}

/** The server-side client of the most recently connected test client. */
export function lastClientResp(server: Server, resp: 2 | 3): void {
  const cs = [...server.clients.values()];
  cs[cs.length - 1]!.resp = resp;
}
