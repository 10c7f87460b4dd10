/**
 * Version strings shared by INFO, HELLO, LOLWUT and the start-up banner. Kedis reports the Redis
 * version whose behaviour it follows, so clients enable the matching features.
 */
import pkg from "../../package.json" with { type: "json" };

/** The Redis release Kedis is compatible with. */
export const REDIS_VERSION = "7.0.15";

/** Kedis's own version, from package.json. */
export const KEDIS_VERSION: string = pkg.version;
