/**
 * Geohash math (datastructures/geohash.ts): values Redis 7.0 produces for the documentation's
 * Sicily example, interleaving round trips, decoding staying inside the encoded cell, the
 * search cells covering the shape, and distance text formatting (llrint of d * 10^4).
 */
import { describe, expect, test } from "bun:test";
import { distanceText } from "../../src/commands/geo.ts";
import {
  GEO_LAT_MAX,
  areasForShape,
  decodeScore,
  deinterleave64,
  distance,
  encodeScore,
  estimateStepsByRadius,
  geohashString,
  interleave64,
  isZeroHash,
  scoreRangeOf,
} from "../../src/datastructures/geohash.ts";
import { rng } from "../interop/families.ts";

describe("geohash vs Redis 7.0", () => {
  test("scores, decoded positions, geohash strings and distance for Palermo and Catania", () => {
    const palermo = encodeScore(13.361389, 38.115556)!;
    const catania = encodeScore(15.087269, 37.502669)!;
    expect(palermo).toBe(3479099956230698);
    expect(catania).toBe(3479447370796909);
    expect(geohashString(palermo)).toBe("sqc8b49rny0");
    expect(geohashString(catania)).toBe("sqdtr74hyu0");
    const [x1, y1] = decodeScore(palermo);
    const [x2, y2] = decodeScore(catania);
    expect(distanceText(distance(x1, y1, x2, y2))).toBe("166274.1516");
    // GEOPOS prints 13.36138933897018433 38.11555639549629859: the exact doubles behind them.
    expect(Math.abs(x1 - 13.36138933897018433)).toBeLessThan(1e-14);
    expect(Math.abs(y1 - 38.11555639549629859)).toBeLessThan(1e-14);
  });

  test("positions outside the limits are refused", () => {
    expect(encodeScore(180.0001, 0)).toBeNull();
    expect(encodeScore(0, GEO_LAT_MAX + 1e-9)).toBeNull();
    expect(encodeScore(-180, -GEO_LAT_MAX)).toBe(0);
  });
});

describe("geohash math", () => {
  test("interleave/deinterleave round trip", () => {
    const r = rng(5);
    for (let i = 0; i < 2000; i++) {
      const x = Math.floor(r() * 2 ** 32) >>> 0;
      const y = Math.floor(r() * 2 ** 32) >>> 0;
      expect(deinterleave64(interleave64(x, y))).toEqual([x, y]);
    }
  });

  test("decoding lands within half a cell of the encoded position", () => {
    const r = rng(9);
    for (let i = 0; i < 2000; i++) {
      const lon = r() * 360 - 180;
      const lat = r() * 170 - 85;
      const [x, y] = decodeScore(encodeScore(lon, lat)!);
      expect(Math.abs(x - lon)).toBeLessThan(360 / 2 ** 26);
      expect(Math.abs(y - lat)).toBeLessThan(171 / 2 ** 26);
    }
  });

  test("the search cells contain every point of the shape", () => {
    const r = rng(13);
    for (let i = 0; i < 200; i++) {
      const lon = r() * 300 - 150;
      const lat = r() * 140 - 70;
      const radius = 10 ** (1 + r() * 5);
      const shape = { xy: [lon, lat] as [number, number], conversion: 1, radius, width: 0, height: 0 };
      const cells = areasForShape(shape).filter((h) => !isZeroHash(h)).map(scoreRangeOf);
      // Points on the circle's boundary (north, south, east, west) must fall in some cell.
      const dLat = (radius / 6372797.560856) * (180 / Math.PI) * 0.999;
      for (const [plon, plat] of [
        [lon, lat + dLat],
        [lon, lat - dLat],
        [lon, lat],
      ] as const) {
        const s = encodeScore(plon, Math.max(-85, Math.min(85, plat)))!;
        expect(cells.some(([lo, hi]) => s >= lo && s < hi)).toBe(true);
      }
    }
    expect(estimateStepsByRadius(0, 0)).toBe(26);
    expect(estimateStepsByRadius(5000000, 0)).toBeLessThan(estimateStepsByRadius(500, 0));
  });

  test("distance text: four decimals, ties to even", () => {
    expect(distanceText(0)).toBe("0.0000");
    expect(distanceText(1.5)).toBe("1.5000");
    expect(distanceText(0.00005)).toBe("0.0000");
    expect(distanceText(0.03125)).toBe("0.0312");
    expect(distanceText(123456.78915)).toBe("123456.7892");
  });
});
