/**
 * Geohash math as Redis's geo commands use it: positions are sorted-set scores holding a 52-bit
 * interleaved geohash (26 bits of latitude on even bits, 26 of longitude on odd bits) over
 * longitude [-180, 180] and latitude [-85.05112878, 85.05112878] (Web Mercator's limits);
 * decoding returns the center of the cell. Searches cover the query shape with the cell of an
 * estimated step around the center and its 8 neighbours (some dropped when they cannot
 * intersect), then scan each cell's score range and filter by haversine distance, in the same
 * order Redis does (so unsorted results come out in the same order).
 *
 * Pure: no imports from store/ or server/. Scores stay exact doubles: 52-bit values are exact.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
/** Earth radius Redis uses for haversine distances, in meters. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

export interface Range {
  min: number;
  max: number;
}

/** A geohash cell: `bits` holds 2*step bits (bigint: neighbour arithmetic is 64-bit). */
export interface HashBits {
  bits: bigint;
  step: number;
}

export interface Area {
  hash: HashBits;
  longitude: Range;
  latitude: Range;
}

const LONG_RANGE: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const LAT_RANGE: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

export function degRad(ang: number): number {
  return ang * D_R;
}

export function radDeg(ang: number): number {
  return ang / D_R;
}

// -------------------------------------------------------------------------------------------------
// Bit interleaving on 32-bit halves

function spread16(v: number): number {
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

function squash16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v >>> 0;
}

/** Redis's interleave64(x, y): x's bits on even positions, y's on odd ones. */
export function interleave64(x: number, y: number): bigint {
  const lo = (spread16(x & 0xffff) | (spread16(y & 0xffff) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Redis's deinterleave64: [even bits (x), odd bits (y)]. */
export function deinterleave64(v: bigint): [number, number] {
  const lo = Number(v & 0xffffffffn);
  const hi = Number((v >> 32n) & 0xffffffffn);
  const x = (squash16(lo) | (squash16(hi) << 16)) >>> 0;
  const y = (squash16(lo >>> 1) | (squash16(hi >>> 1) << 16)) >>> 0;
  return [x, y];
}

/** C's double → uint32 conversion of an in-range offset (truncation). */
function toU32(d: number): number {
  return d >= 4294967296 ? 0 : Math.trunc(d) >>> 0;
}

// -------------------------------------------------------------------------------------------------
// Encode / decode

/** Redis's geohashEncode; null when the position is outside Redis's limits or the ranges. */
export function encode(longRange: Range, latRange: Range, longitude: number, latitude: number, step: number): HashBits | null {
  if (step > 32 || step === 0) return null;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave64(toU32(latOffset), toU32(longOffset)), step };
}

/** The 52-bit score of a position (GEOADD), or null outside the limits. */
export function encodeScore(longitude: number, latitude: number): number | null {
  const h = encode(LONG_RANGE, LAT_RANGE, longitude, latitude, GEO_STEP_MAX);
  return h === null ? null : Number(h.bits);
}

/** Redis's geohashDecode: the cell's bounds. */
export function decode(longRange: Range, latRange: Range, hash: HashBits): Area {
  const [ilato, ilono] = deinterleave64(hash.bits);
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const div = 2 ** hash.step;
  return {
    hash,
    latitude: { min: latRange.min + (ilato * 1.0 / div) * latScale, max: latRange.min + ((ilato + 1) * 1.0 / div) * latScale },
    longitude: { min: longRange.min + (ilono * 1.0 / div) * longScale, max: longRange.min + ((ilono + 1) * 1.0 / div) * longScale },
  };
}

/** C's (uint64_t) cast of a score, as x86-64 does it for the values scores can hold. */
function scoreToU64(score: number): bigint {
  if (!Number.isFinite(score)) return 0x8000000000000000n;
  const t = Math.trunc(score);
  // gcc converts x >= 2^63 as cvttsd2si(x - 2^63) ^ 2^63: past 2^64 that overflows to 2^63, so 0.
  if (t >= 2 ** 64) return 0n;
  if (t >= 0) return BigInt(t);
  if (t >= -(2 ** 63)) return BigInt.asUintN(64, BigInt(t));
  return 0x8000000000000000n;
}

/** Decode a score to [longitude, latitude] (the cell's center, clamped to the limits). */
export function decodeScore(score: number): [number, number] {
  const area = decode(LONG_RANGE, LAT_RANGE, { bits: scoreToU64(score), step: GEO_STEP_MAX });
  let x = (area.longitude.min + area.longitude.max) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (area.latitude.min + area.latitude.max) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/** The 11-character standard geohash of a score (GEOHASH: re-encoded over latitude ±90). */
export function geohashString(score: number): string {
  const [x, y] = decodeScore(score);
  const h = encode({ min: -180, max: 180 }, { min: -90, max: 90 }, x, y, 26);
  const bits = h === null ? 0n : h.bits;
  let s = "";
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    s += ALPHABET[idx];
  }
  return s;
}

// -------------------------------------------------------------------------------------------------
// Distances

export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** Haversine distance in meters (Redis's geohashGetDistance). */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

// -------------------------------------------------------------------------------------------------
// Shapes and the cells that cover them

export interface Shape {
  /** Center [longitude, latitude]. */
  xy: [number, number];
  /** Unit to meters. */
  conversion: number;
  /** Circle radius (in the unit), or null for a box. */
  radius: number | null;
  width: number;
  height: number;
}

/** Distance of a point to the center when inside the shape (meters), else -1. */
export function distanceIfInShape(s: Shape, x: number, y: number): number {
  if (s.radius !== null) {
    const d = distance(s.xy[0], s.xy[1], x, y);
    return d > s.radius * s.conversion ? -1 : d;
  }
  const w = s.width * s.conversion;
  const h = s.height * s.conversion;
  if (latDistance(y, s.xy[1]) > h / 2) return -1;
  if (distance(x, y, s.xy[0], y) > w / 2) return -1;
  return distance(s.xy[0], s.xy[1], x, y);
}

export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

function boundingBox(s: Shape): [number, number, number, number] {
  const [longitude, latitude] = s.xy;
  const height = s.conversion * (s.radius !== null ? s.radius : s.height / 2);
  const width = s.conversion * (s.radius !== null ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(latitude - latDelta)));
  const south = latitude < 0;
  return [
    south ? longitude - longDeltaBottom : longitude - longDeltaTop,
    latitude - latDelta,
    south ? longitude + longDeltaBottom : longitude + longDeltaTop,
    latitude + latDelta,
  ];
}

const M_EVEN = 0x5555555555555555n;
const M_ODD = 0xaaaaaaaaaaaaaaaan;
const U64 = 0xffffffffffffffffn;

function moveX(h: HashBits, d: number): HashBits {
  if (d === 0) return h;
  let x = h.bits & M_ODD;
  const y = h.bits & M_EVEN;
  const zz = M_EVEN >> BigInt(64 - h.step * 2);
  if (d > 0) x = (x + (zz + 1n)) & U64;
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & U64;
  }
  x &= M_ODD >> BigInt(64 - h.step * 2);
  return { bits: x | y, step: h.step };
}

function moveY(h: HashBits, d: number): HashBits {
  if (d === 0) return h;
  const x = h.bits & M_ODD;
  let y = h.bits & M_EVEN;
  const zz = M_ODD >> BigInt(64 - h.step * 2);
  if (d > 0) y = (y + (zz + 1n)) & U64;
  else {
    y = y | zz;
    y = (y - (zz + 1n)) & U64;
  }
  y &= M_EVEN >> BigInt(64 - h.step * 2);
  return { bits: x | y, step: h.step };
}

const ZERO_HASH: HashBits = { bits: 0n, step: 0 };

/**
 * The cells to scan for a shape, in Redis's order: center, N, S, E, W, NE, NW, SE, SW (a cell
 * that cannot intersect the shape is the zero cell: skipped).
 */
export function areasForShape(s: Shape): HashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  const [longitude, latitude] = s.xy;
  const radiusMeters = (s.radius !== null ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2))) * s.conversion;
  let steps = estimateStepsByRadius(radiusMeters, latitude);
  let hash = encode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps) ?? { bits: 0n, step: steps };
  let n = neighbors(hash);
  let area = decode(LONG_RANGE, LAT_RANGE, hash);
  const north = decode(LONG_RANGE, LAT_RANGE, n.north);
  const south = decode(LONG_RANGE, LAT_RANGE, n.south);
  const east = decode(LONG_RANGE, LAT_RANGE, n.east);
  const west = decode(LONG_RANGE, LAT_RANGE, n.west);
  const decrease = north.latitude.max < maxLat || south.latitude.min > minLat || east.longitude.max < maxLon || west.longitude.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = encode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps) ?? { bits: 0n, step: steps };
    n = neighbors(hash);
    area = decode(LONG_RANGE, LAT_RANGE, hash);
  }
  if (steps >= 2) {
    if (area.latitude.min < minLat) n.south = n.southWest = n.southEast = ZERO_HASH;
    if (area.latitude.max > maxLat) n.north = n.northEast = n.northWest = ZERO_HASH;
    if (area.longitude.min < minLon) n.west = n.southWest = n.northWest = ZERO_HASH;
    if (area.longitude.max > maxLon) n.east = n.southEast = n.northEast = ZERO_HASH;
  }
  return [hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
}

interface Neighbors {
  north: HashBits;
  south: HashBits;
  east: HashBits;
  west: HashBits;
  northEast: HashBits;
  northWest: HashBits;
  southEast: HashBits;
  southWest: HashBits;
}

function neighbors(h: HashBits): Neighbors {
  return {
    east: moveY(moveX(h, 1), 0),
    west: moveY(moveX(h, -1), 0),
    south: moveY(moveX(h, 0), -1),
    north: moveY(moveX(h, 0), 1),
    northWest: moveY(moveX(h, -1), 1),
    southWest: moveY(moveX(h, -1), -1),
    northEast: moveY(moveX(h, 1), 1),
    southEast: moveY(moveX(h, 1), -1),
  };
}

export function isZeroHash(h: HashBits): boolean {
  return h.bits === 0n && h.step === 0;
}

/** Score range [min, max) of a cell (Redis's scoresOfGeoHashBox). */
export function scoreRangeOf(h: HashBits): [number, number] {
  const shift = BigInt(52 - h.step * 2);
  return [Number((h.bits << shift) & U64), Number(((h.bits + 1n) << shift) & U64)];
}
