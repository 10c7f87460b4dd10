/**
 * `client-output-buffer-limit`: per client class (normal, replica, pubsub) a hard limit, a soft
 * limit and the seconds output may stay above the soft limit. Parsing and canonical text follow
 * Redis 7.0 (classes `normal`, `slave`/`replica`, `pubsub`; memory units; CONFIG GET prints
 * `normal 0 0 0 slave <bytes> <bytes> <s> pubsub ...`), and `exceedsOutputLimit` is Redis's
 * checkClientOutputBufferLimits on a client's queued bytes.
 *
 * Pure (no imports) so the config table can use it.
 */

export const CLASS_NORMAL = 0;
export const CLASS_REPLICA = 1;
export const CLASS_PUBSUB = 2;

export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export const OUTPUT_LIMIT_DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

const ERR_ARGS = "Wrong number of arguments in buffer limit configuration.";
const ERR_CLASS = "Invalid client class specified in buffer limit configuration.";
const ERR_VALUE = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";

/** Redis's memtoull: digits with an optional b/k/kb/m/mb/g/gb unit (any case). NaN if invalid. */
function memToNumber(s: string): number {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (m === null) return NaN;
  const mul: Record<string, number> = { "": 1, b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 * 1024, g: 1e9, gb: 1024 * 1024 * 1024 };
  return Number(m[1]) * mul[(m[2] ?? "").toLowerCase()]!;
}

function classOf(name: string): number {
  switch (name.toLowerCase()) {
    case "normal":
      return CLASS_NORMAL;
    case "slave":
    case "replica":
      return CLASS_REPLICA;
    case "pubsub":
      return CLASS_PUBSUB;
    default:
      return -1;
  }
}

/** Parse a canonical value into the three class limits (canonical text is always valid). */
export function parseOutputLimits(v: string): OutputLimit[] {
  const out: OutputLimit[] = [
    { hard: 0, soft: 0, softSeconds: 0 },
    { hard: 0, soft: 0, softSeconds: 0 },
    { hard: 0, soft: 0, softSeconds: 0 },
  ];
  const w = v.split(/\s+/).filter((s) => s !== "");
  for (let i = 0; i + 3 < w.length; i += 4) {
    const cls = classOf(w[i]!);
    if (cls < 0) continue;
    out[cls] = { hard: memToNumber(w[i + 1]!), soft: memToNumber(w[i + 2]!), softSeconds: Number(w[i + 3]) };
  }
  return out;
}

function formatOutputLimits(l: OutputLimit[]): string {
  const names = ["normal", "slave", "pubsub"];
  return l.map((x, i) => `${names[i]} ${x.hard} ${x.soft} ${x.softSeconds}`).join(" ");
}

/**
 * Config normalizer: apply `<class> <hard> <soft> <seconds>` groups over `current` and return the
 * canonical text, or Redis's error. An empty value changes nothing.
 */
export function normalizeOutputLimits(v: string, current: string): string | { error: string } {
  const w = v.split(/\s+/).filter((s) => s !== "");
  if (w.length % 4 !== 0) return { error: ERR_ARGS };
  const limits = parseOutputLimits(current);
  for (let i = 0; i < w.length; i += 4) {
    const cls = classOf(w[i]!);
    if (cls < 0) return { error: ERR_CLASS };
    const hard = memToNumber(w[i + 1]!);
    const soft = memToNumber(w[i + 2]!);
    const secs = /^\d+$/.test(w[i + 3]!) ? Number(w[i + 3]) : NaN;
    if (Number.isNaN(hard) || Number.isNaN(soft) || Number.isNaN(secs)) return { error: ERR_VALUE };
    limits[cls] = { hard, soft, softSeconds: secs };
  }
  return formatOutputLimits(limits);
}

/**
 * Redis's checkClientOutputBufferLimits: true when `used` bytes pass the hard limit, or have
 * stayed above the soft limit for more than `softSeconds`. `since` is when the soft limit was
 * first passed (0 = not passed); the returned `since` is the value to keep.
 */
export function exceedsOutputLimit(l: OutputLimit, used: number, since: number, now: number): { close: boolean; since: number } {
  const hard = l.hard > 0 && used >= l.hard;
  let soft = l.soft > 0 && used >= l.soft;
  if (soft) {
    if (since === 0) {
      since = now; // first time over the soft limit: start the clock
      soft = false;
    } else if (now - since <= l.softSeconds * 1000) {
      soft = false;
    }
  } else {
    since = 0;
  }
  return { close: hard || soft, since };
}
