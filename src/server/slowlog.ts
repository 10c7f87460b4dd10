/**
 * The slow log (Redis's slowlog.c semantics): commands whose execution took at least
 * `slowlog-log-slower-than` microseconds are recorded, newest first, at most
 * `slowlog-max-len` entries. Arguments are kept the way Redis keeps them: at most 32 (the last
 * slot says "... (N more arguments)"), each at most 128 bytes ("... (N more bytes)"), and
 * secrets (AUTH passwords, sensitive CONFIG SET values) as "(redacted)".
 */

const enc = new TextEncoder();

export const SLOWLOG_ENTRY_MAX_ARGC = 32;
export const SLOWLOG_ENTRY_MAX_STRING = 128;

export interface SlowlogEntry {
  id: number;
  /** Unix time in seconds when the command ran. */
  time: number;
  /** Duration in microseconds. */
  duration: number;
  argv: Uint8Array[];
  peer: string;
  name: string;
}

export class SlowLog {
  /** Newest first. */
  entries: SlowlogEntry[] = [];
  nextId = 0;

  /**
   * Record a command if it is slow enough. `threshold` < 0 disables the log; `redact` lists
   * argument indexes to hide.
   */
  maybeAdd(argv: readonly Uint8Array[], usec: number, threshold: number, maxLen: number, nowMs: number, peer: string, name: string, redact: readonly number[] = []): void {
    if (threshold < 0 || usec < threshold) return;
    this.entries.unshift({ id: this.nextId++, time: Math.floor(nowMs / 1000), duration: Math.floor(usec), argv: trimArgv(argv, redact), peer, name });
    this.trim(maxLen);
  }

  /** Drop the oldest entries beyond `maxLen` (also after CONFIG SET slowlog-max-len). */
  trim(maxLen: number): void {
    if (this.entries.length > maxLen) this.entries.length = Math.max(0, maxLen);
  }

  reset(): void {
    this.entries = [];
  }
}

const REDACTED = enc.encode("(redacted)");

function trimArgv(argv: readonly Uint8Array[], redact: readonly number[]): Uint8Array[] {
  const argc = Math.min(argv.length, SLOWLOG_ENTRY_MAX_ARGC);
  const out: Uint8Array[] = [];
  for (let i = 0; i < argc; i++) {
    if (argc !== argv.length && i === argc - 1) {
      out.push(enc.encode(`... (${argv.length - argc + 1} more arguments)`));
      break;
    }
    if (redact.includes(i)) {
      out.push(REDACTED);
      continue;
    }
    const a = argv[i]!;
    if (a.length > SLOWLOG_ENTRY_MAX_STRING) {
      const more = enc.encode(`... (${a.length - SLOWLOG_ENTRY_MAX_STRING} more bytes)`);
      const b = new Uint8Array(SLOWLOG_ENTRY_MAX_STRING + more.length);
      b.set(a.subarray(0, SLOWLOG_ENTRY_MAX_STRING));
      b.set(more, SLOWLOG_ENTRY_MAX_STRING);
      out.push(b);
    } else out.push(a.slice());
  }
  return out;
}

/**
 * Argument indexes Redis hides in SLOWLOG and MONITOR for a command: AUTH's credentials,
 * HELLO's AUTH pair, MIGRATE's AUTH/AUTH2 credentials, and CONFIG SET values of sensitive
 * parameters (`isSensitive` tells which names those are).
 */
export function redactedArgs(name: string, argv: readonly Uint8Array[], isSensitive: (param: string) => boolean): number[] {
  const lower = (i: number) => latin1Lower(argv[i]!);
  switch (name) {
    case "auth":
      return argv.map((_, i) => i).filter((i) => i > 0);
    case "hello": {
      for (let i = 2; i < argv.length; i++) if (lower(i) === "auth") return [i + 1, i + 2].filter((j) => j < argv.length);
      return [];
    }
    case "migrate": {
      for (let i = 6; i < argv.length; i++) {
        const w = lower(i);
        if (w === "auth") return [i + 1].filter((j) => j < argv.length);
        if (w === "auth2") return [i + 1, i + 2].filter((j) => j < argv.length);
      }
      return [];
    }
    case "config|set": {
      const out: number[] = [];
      for (let i = 2; i + 1 < argv.length; i += 2) if (isSensitive(lower(i))) out.push(i + 1);
      return out;
    }
    default:
      return [];
  }
}

function latin1Lower(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s.toLowerCase();
}
