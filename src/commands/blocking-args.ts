/**
 * Shared pieces of blocking commands (lists here; BZPOPMIN/BZMPOP and XREAD BLOCK reuse them):
 * the timeout argument and the constants the serve callbacks return. They live in the commands
 * layer so families need no run-time import from server/ (server/blocking.ts re-exports them).
 */
import { fail } from "../protocol/errors.ts";
import { parseLongDouble } from "../util/long-double.ts";

/** A serve callback served the client (reply written): it is unblocked. */
export const SERVED = 0;
/** Not served; try the next client blocked on the key. */
export const NOT_SERVED = 1;
/** Not served, and nobody else can be served from this key now. */
export const STOP = 2;
export type ServeResult = typeof SERVED | typeof NOT_SERVED | typeof STOP;

/** What the client waits for (Redis's BLOCKED_* types). */
export const BLOCKED_LIST = 1;
export const BLOCKED_ZSET = 2;
export const BLOCKED_STREAM = 3;

const E_TIMEOUT_FLOAT = "ERR timeout is not a float or out of range";
const E_TIMEOUT_NEG = "ERR timeout is negative";
const E_TIMEOUT_INT = "ERR timeout is not an integer or out of range";
const TWO63 = 2n ** 63n;

/**
 * Redis 7.0's getTimeoutFromObjectOrReply. Seconds (BLPOP & co): a long double, milliseconds
 * rounded up (so 0.0001 waits 1 ms, while -0.0001 rounds to 0 and waits forever); values whose
 * millisecond count does not fit in 64 bits, infinities included, overflow to negative, as the
 * C cast does. Milliseconds (XREAD BLOCK): an integer. Returns the absolute deadline in ms on the
 * server clock, or 0 for "forever"; throws Redis's error texts.
 */
export function timeoutArg(arg: Uint8Array, now: number, unit: "s" | "ms" = "s"): number {
  let ms: bigint;
  if (unit === "ms") {
    let s = "";
    for (let i = 0; i < arg.length; i++) s += String.fromCharCode(arg[i]!);
    if (!/^-?(0|[1-9]\d*)$/.test(s)) fail(E_TIMEOUT_INT);
    ms = BigInt(s);
    if (ms >= TWO63 || ms < -TWO63) fail(E_TIMEOUT_INT);
  } else {
    const x = parseLongDouble(arg);
    if (x === null) fail(E_TIMEOUT_FLOAT);
    if (x.inf) fail(E_TIMEOUT_NEG);
    // ceil(value * 1000), exactly.
    const num = x.mant * 1000n;
    let mag: bigint;
    if (x.exp >= 0) mag = num << BigInt(x.exp);
    else {
      const sh = BigInt(-x.exp);
      mag = num >> sh;
      if (!x.neg && mag << sh !== num) mag++; // ceil for positives; negatives truncate toward 0
    }
    ms = x.neg ? -mag : mag;
    if (ms >= TWO63 || ms < -TWO63) fail(E_TIMEOUT_NEG);
  }
  if (ms < 0n) fail(E_TIMEOUT_NEG);
  if (ms === 0n) return 0;
  return now + Number(ms);
}
