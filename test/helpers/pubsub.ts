/**
 * Helpers for pub/sub, transaction and tracking tests: find the server-side Client of a test
 * connection, switch a connection to RESP3 (HELLO 3 when the command exists, else directly, so
 * RESP3 behaviour is testable before the connection family lands), and collect frames.
 */
import type { Client } from "../../src/server/client.ts";
import type { Server } from "../../src/server/server.ts";
import type { TestClient } from "./client.ts";
import { latin1Decode } from "./resp.ts";

/** The server's Client for a test connection (matched by the connection's port). */
export async function serverClientOf(server: Server, tc: TestClient): Promise<Client> {
  const suffix = `:${tc.localPort}`;
  for (let i = 0; i < 100; i++) {
    for (const c of server.clients.values()) if (c.addr.endsWith(suffix)) return c;
    await Bun.sleep(5); // the accept callback may not have run yet
  }
  throw new Error(`no server client for port ${tc.localPort}`);
}

/** True when the server has the command (families from other branches may be missing). */
export function hasCommand(server: Server, name: string): boolean {
  return server.registry.byName(name) !== null;
}

/** Switch a connection to RESP3: HELLO 3 if available, else set the protocol server-side. */
export async function useResp3(server: Server, tc: TestClient): Promise<void> {
  if (hasCommand(server, "hello")) {
    await tc.call("HELLO", "3");
    return;
  }
  (await serverClientOf(server, tc)).resp = 3;
}

/** The connection's client id (CLIENT ID when available). */
export async function clientId(server: Server, tc: TestClient): Promise<number> {
  return (await serverClientOf(server, tc)).id;
}

/** Read `n` replies as raw latin1 text. */
export async function rawFrames(tc: TestClient, n: number, timeoutMs?: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(latin1Decode(await tc.raw(timeoutMs)));
  return out;
}

/** Resolves when nothing more arrives for `ms` (asserting silence). */
export async function expectSilence(tc: TestClient, ms = 50): Promise<boolean> {
  try {
    await tc.raw(ms);
    return false;
  } catch {
    return true;
  }
}
