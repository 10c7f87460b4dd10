/**
 * Geo behaviour over real sockets: GEOADD propagates as the ZADD it becomes (scores as
 * integers), store variants emit Redis's events and propagate as sent, keys of GEORADIUS with
 * STORE are reported by COMMAND GETKEYS, and the values are ordinary sorted sets.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { captureEvents, captureWrites } from "../helpers/inspect.ts";
import { startKedis, type KedisHandle } from "../helpers/servers.ts";

let k: KedisHandle | null = null;
afterEach(async () => {
  await k?.stop();
  k = null;
});

describe("geo effects", () => {
  test("GEOADD propagates as ZADD; searches that store propagate as sent; events", async () => {
    k = await startKedis();
    const c = await k.client();
    const writes = captureWrites(k.server);
    const events = captureEvents(k.server);
    expect(await c.call("GEOADD", "s", "CH", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania")).toBe(2);
    expect(await c.call("GEOSEARCHSTORE", "dst", "s", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC")).toBe(2);
    expect(await c.call("GEORADIUS", "s", "15", "37", "200", "km", "STORE", "r")).toBe(2);
    expect(await c.call("GEOSEARCH", "s", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km")).toEqual(["Palermo", "Catania"]);
    expect(writes).toEqual([
      "0: zadd s CH 3479099956230698 Palermo 3479447370796909 Catania",
      "0: GEOSEARCHSTORE dst s FROMLONLAT 15 37 BYRADIUS 200 km ASC",
      "0: GEORADIUS s 15 37 200 km STORE r",
    ]);
    expect(events.filter((e) => !e.startsWith("keyspace"))).toEqual(["zadd:s", "geosearchstore:dst", "georadiusstore:r"]);
    expect(await c.call("ZRANGE", "r", "0", "-1")).toEqual(["Palermo", "Catania"]);
    expect(await c.call("TYPE", "s")).toBe("zset");
  });

  test("COMMAND GETKEYS finds the STORE key of GEORADIUS", async () => {
    k = await startKedis();
    const c = await k.client();
    expect(await c.call("COMMAND", "GETKEYS", "GEORADIUS", "src", "1", "2", "3", "km", "STORE", "dst")).toEqual(["src", "dst"]);
    expect(await c.call("COMMAND", "GETKEYS", "GEOSEARCHSTORE", "dst", "src", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "km")).toEqual(["dst", "src"]);
  });
});
