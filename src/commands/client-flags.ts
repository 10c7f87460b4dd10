/**
 * Client flag bits (Redis's CLIENT_* flags) kept in `Client.flags`. They live here, beside the
 * command families that read and set them, so commands never import the server at run time;
 * server/client.ts re-exports them.
 */
export const CF_CLOSE_AFTER_REPLY = 1 << 0;
export const CF_CLOSE_ASAP = 1 << 1;
export const CF_MULTI = 1 << 2;
export const CF_DIRTY_EXEC = 1 << 3;
export const CF_DIRTY_CAS = 1 << 4;
export const CF_PUBSUB = 1 << 5;
export const CF_BLOCKED = 1 << 6;
export const CF_MONITOR = 1 << 7;
export const CF_REPLICA = 1 << 8;
export const CF_PRIMARY = 1 << 9;
export const CF_SCRIPT = 1 << 10;
export const CF_NO_EVICT = 1 << 11;
export const CF_FAKE = 1 << 12;
export const CF_UNIX = 1 << 13;
export const CF_REPLY_OFF = 1 << 14;
export const CF_REPLY_SKIP_NEXT = 1 << 15;
export const CF_REPLY_SKIP = 1 << 16;
export const CF_TRACKING = 1 << 17;
export const CF_READONLY_CLIENT = 1 << 18;
export const CF_NO_TOUCH = 1 << 19;
export const CF_POSTPONED = 1 << 20;

/** CLIENT PAUSE modes (server/pause.ts holds the pause state). */
export const PAUSE_OFF = 0;
export const PAUSE_WRITE = 1;
export const PAUSE_ALL = 2;
export type PauseType = typeof PAUSE_OFF | typeof PAUSE_WRITE | typeof PAUSE_ALL;

/** Client-side caching flags of a tracking client (server/tracking.ts). */
export const TR_BCAST = 1 << 0;
export const TR_OPTIN = 1 << 1;
export const TR_OPTOUT = 1 << 2;
export const TR_NOLOOP = 1 << 3;
/** CLIENT CACHING yes/no was given for the next command. */
export const TR_CACHING = 1 << 4;
/** The redirect client went away. */
export const TR_BROKEN_REDIR = 1 << 5;
