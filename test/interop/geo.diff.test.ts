/**
 * Geo commands, byte for byte against real redis-server 7.0: the command table vs COMMAND INFO,
 * scripted options and errors, then seeded random point sets (a city cluster, a country, the
 * whole world, the poles and the antimeridian) queried with random GEOSEARCH / GEORADIUS /
 * GEORADIUSBYMEMBER shapes, units, orders, COUNT/ANY and WITH* options; unsorted results must
 * come out in Redis's scan order, distances and coordinates printed to the same digits.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { geoFamily } from "../../src/commands/geo.ts";
import { Differ } from "../helpers/diff.ts";
import { redisServerPath } from "../helpers/servers.ts";
import { compareSpecs, Gen, parseLines, rng, runAll, type Arg } from "./families.ts";

const HAVE_REDIS = redisServerPath() !== null;
if (!HAVE_REDIS) console.warn("SKIP geo interop: redis-server not found");
let d: Differ;

describe.skipIf(!HAVE_REDIS)("geo commands vs redis-server", () => {
  beforeAll(async () => {
    d = (await Differ.start())!;
  });
  afterAll(async () => {
    await d.stop();
  });
  beforeEach(async () => {
    await d.r.call("FLUSHALL");
    d.kedis.server.ks.flushAll();
  });

  test("arity, flags and key positions equal COMMAND INFO", async () => {
    const specs = geoFamily.commands.map((line) => d.kedis.server.registry.byName(line[0])!);
    expect(await compareSpecs(d, specs)).toEqual([]);
  });

  test("scripted: GEOADD options, GEOPOS/GEODIST/GEOHASH, search options and errors", async () => {
    const cmds = parseLines(`
      GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
      GEOADD Sicily 13.583333 37.316667 Agrigento
      GEODIST Sicily Palermo Catania
      GEODIST Sicily Palermo Catania km
      GEODIST Sicily Palermo Catania mi
      GEODIST Sicily Palermo Catania FT
      GEODIST Sicily Palermo Catania xx
      GEODIST Sicily Palermo Catania km extra
      GEODIST Sicily Palermo missing
      GEODIST Sicily Palermo Palermo
      GEODIST nokey a b
      GEOPOS Sicily Palermo Catania NonExisting
      GEOPOS nokey a
      GEOHASH Sicily Palermo Catania missing
      GEOHASH nokey a
      GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH
      GEORADIUS Sicily 15 37 200 km WITHDIST COUNT 1
      GEORADIUS Sicily 15 37 200 km DESC
      GEORADIUSBYMEMBER Sicily Palermo 300 km WITHDIST
      GEORADIUSBYMEMBER Sicily missing 300 km
      GEORADIUSBYMEMBER nokey missing 300 km
      GEORADIUSBYMEMBER nokey missing 300 km STORE x
      GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km COUNT 1 ANY
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km ANY
      GEOSEARCH Sicily FROMMEMBER Palermo
      GEOSEARCH Sicily BYRADIUS 200 km
      GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 1 2 BYRADIUS 200 km
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km BYBOX 1 1 km
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS -1 km
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS x km
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 parsec
      GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 -1 km
      GEOSEARCH Sicily FROMMEMBER Palermo BYBOX x 1 km
      GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 1 x km
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km COUNT 0
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km COUNT x
      GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 200 km
      GEOSEARCH nokey FROMMEMBER nope BYRADIUS 200 km
      GEOSEARCH Sicily FROMLONLAT 200 1 BYRADIUS 200 km
      GEOSEARCH Sicily FROMLONLAT 1 86 BYRADIUS 200 km
      GEOSEARCH Sicily FROMLONLAT 1e300 1 BYRADIUS 200 km
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km STORE x
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km STOREDIST
      GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 200 km
      ZRANGE dst 0 -1 WITHSCORES
      OBJECT ENCODING dst
      GEOSEARCHSTORE dst2 Sicily FROMMEMBER Palermo BYRADIUS 200 km STOREDIST
      ZRANGE dst2 0 -1 WITHSCORES
      GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 200 km WITHDIST
      GEOSEARCHSTORE dst nokey FROMMEMBER Palermo BYRADIUS 200 km
      EXISTS dst
      GEORADIUS Sicily 15 37 200 km STORE r1
      ZRANGE r1 0 -1 WITHSCORES
      GEORADIUS Sicily 15 37 200 km STOREDIST r2
      ZRANGE r2 0 -1 WITHSCORES
      GEORADIUS Sicily 15 37 200 km STORE r1 WITHDIST
      GEORADIUS_RO Sicily 15 37 200 km STORE r1
      GEORADIUS Sicily 15 37 200 km STORE
      GEOADD Sicily NX 13.361389 38.115556 Palermo
      GEOADD Sicily XX CH 13.361389 38.115557 Palermo
      GEOADD Sicily NX XX 13.361389 38.115556 Palermo
      GEOADD Sicily 13.361389 38.115556
      GEOADD Sicily 181 38 x
      GEOADD Sicily 10 86 x
      GEOADD Sicily x 38 x
      GEOADD Sicily GT 1 2 m
      GEOADD Sicily NX CH XX
      SET str x
      GEOADD str 1 2 m
      GEOPOS str m
      GEOSEARCH str FROMLONLAT 1 2 BYRADIUS 1 km
      GEOADD edge 180 85.05112878 a -180 -85.05112878 b 0 0 c 179.99999 85.05 d -0.0000001 -0.0000001 e
      GEOPOS edge a b c d e
      GEOHASH edge a b c d e
      GEOSEARCH edge FROMLONLAT 0 0 BYRADIUS 50000 km ASC WITHDIST WITHCOORD WITHHASH
      ZADD weird -5 neg 1e20 huge 3.5 frac
      GEOPOS weird neg huge frac
      GEOHASH weird neg huge frac
    `);
    expect(await runAll(d, cmds)).toEqual([]);
  });

  test("seeded random points and searches agree reply by reply (RESP2 and RESP3)", async () => {
    for (const seed of (process.env.GEO_SEEDS ?? "1,2,3,4,5").split(",").map(Number)) {
      const g = new Gen(rng(seed));
      const cmds: Arg[][] = [];
      const regions: [number, number, number, number][] = [
        [2.2, 48.8, 0.3, 0.2], // a city
        [10, 45, 8, 5], // a country
        [0, 0, 180, 85], // the world
        [179.5, 0, 1, 20], // the antimeridian
        [0, 84, 180, 1], // near the north limit
      ];
      const region = regions[seed % regions.length]!;
      const members: string[] = [];
      for (let batch = 0; batch < 6; batch++) {
        const args: Arg[] = ["GEOADD", "pts"];
        for (let i = 0; i < 40; i++) {
          let lon = region[0] + (g.r() * 2 - 1) * region[2];
          if (lon > 180) lon -= 360;
          const lat = Math.max(-85, Math.min(85, region[1] + (g.r() * 2 - 1) * region[3]));
          const m = `m${members.length}`;
          members.push(m);
          args.push(lon.toFixed(6), lat.toFixed(6), m);
        }
        cmds.push(args);
      }
      for (let q = 0; q < 60; q++) {
        const units = g.pick(["m", "km", "mi", "ft"]);
        const scale = units === "m" ? 1000 : units === "ft" ? 3280 : units === "mi" ? 0.62 : 1;
        const size = String(Math.round(g.pick([1, 5, 20, 100, 500, 3000, 20000]) * scale * (0.5 + g.r())));
        const from: Arg[] = g.chance(0.5)
          ? ["FROMMEMBER", g.pick(members)]
          : ["FROMLONLAT", (region[0] + (g.r() * 2 - 1) * region[2]).toFixed(5), Math.max(-85, Math.min(85, region[1] + (g.r() * 2 - 1) * region[3])).toFixed(5)];
        if (Number(from[1]) > 180) from[1] = String(Number(from[1]) - 360);
        const by: Arg[] = g.chance(0.5) ? ["BYRADIUS", size, units] : ["BYBOX", size, String(Math.round(Number(size) * (0.3 + g.r()))), units];
        const opts: Arg[] = [];
        if (g.chance(0.5)) opts.push(g.pick(["ASC", "DESC"]));
        if (g.chance(0.3)) opts.push("COUNT", String(1 + g.int(10)), ...(g.chance(0.3) ? ["ANY"] : []));
        for (const w of ["WITHDIST", "WITHCOORD", "WITHHASH"]) if (g.chance(0.3)) opts.push(w);
        cmds.push(["GEOSEARCH", "pts", ...from, ...by, ...opts]);
        if (g.chance(0.3) && from[0] === "FROMLONLAT" && by[0] === "BYRADIUS") cmds.push(["GEORADIUS", "pts", from[1]!, from[2]!, by[1]!, by[2]!, ...opts]);
        if (g.chance(0.3) && from[0] === "FROMMEMBER" && by[0] === "BYRADIUS") cmds.push(["GEORADIUSBYMEMBER_RO", "pts", from[1]!, by[1]!, by[2]!, ...opts]);
        if (g.chance(0.1)) cmds.push(["GEOSEARCHSTORE", "dst", "pts", ...from, ...by, ...opts.filter((o) => !String(o).startsWith("WITH")), ...(g.chance(0.5) ? ["STOREDIST"] : [])], ["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
        if (g.chance(0.2)) cmds.push(["GEODIST", "pts", g.pick(members), g.pick(members), units]);
        if (g.chance(0.2)) cmds.push(["GEOPOS", "pts", g.pick(members), g.pick(members)], ["GEOHASH", "pts", g.pick(members)]);
      }
      expect({ seed, bad: (await runAll(d, cmds)).slice(0, 2) }).toEqual({ seed, bad: [] });
      if (seed === 5) {
        await d.r.call("HELLO", "3");
        for (const cl of d.kedis.server.clients.values()) cl.resp = 3;
        const again = cmds.filter((c) => c[0] !== "GEOADD");
        const bad = await runAll(d, again);
        await d.r.call("HELLO", "2");
        for (const cl of d.kedis.server.clients.values()) cl.resp = 2;
        expect({ resp3: true, bad: bad.slice(0, 2) }).toEqual({ resp3: true, bad: [] });
      }
      await d.both("DEL", "pts", "dst");
    }
  }, 60_000);
});
