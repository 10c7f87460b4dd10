/**
 * Version constants. Kedis reports the Redis version whose behaviour it follows (HELLO, INFO's
 * redis_version, LOLWUT): clients and tools gate features on it. Its own version comes from
 * package.json and is reported apart (INFO kedis_version).
 */
import pkg from "../../package.json" with { type: "json" };

/** The Redis release Kedis is compatible with, byte for byte. */
export const REDIS_VERSION = "7.0.15";

/** Kedis's own version (package.json). */
export const KEDIS_VERSION: string = pkg.version;
