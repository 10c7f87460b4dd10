/**
 * Version constants. Kedis reports the Redis version whose behaviour it follows (HELLO, INFO's
 * redis_version, LOLWUT): clients and tools gate features on it. Its own version comes from
 * package.json and is reported apart (INFO kedis_version).
 */
import pkg from "../../package.json" with { type: "json" };

/**
 * The compatibility level reported to clients (INFO redis_version, HELLO, redis.REDIS_VERSION,
 * RDB aux). Behaviour follows Redis 7.0 byte for byte, plus the 7.2 additions Kedis implements
 * (CLIENT SETINFO, ZRANK WITHSCORE, ...), so clients may use those: docs/compatibility.md.
 */
export const REDIS_VERSION = "7.2.0";

/** Kedis's own version (package.json). */
export const KEDIS_VERSION: string = pkg.version;
