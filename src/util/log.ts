/**
 * Redis-style log lines: `<pid>:<role> <dd Mon yyyy hh:mm:ss.mmm> <level> <message>`, where the
 * level mark is `.` debug, `-` verbose, `*` notice, `#` warning, and the role is `C` while the
 * configuration loads, then `M` (primary) or `S` (replica). With `file` set, every line is
 * appended to it (opened per line, as Redis does, so log rotation just works).
 */
import { appendFileSync } from "node:fs";

export const LL_DEBUG = 0;
export const LL_VERBOSE = 1;
export const LL_NOTICE = 2;
export const LL_WARNING = 3;
export const LL_NOTHING = 4;
const MARKS = [".", "-", "*", "#"];
const LEVELS: Record<string, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export class Logger {
  level = LL_NOTICE;
  /** Empty: standard output. */
  file = "";
  role = "M";

  setLevel(name: string): void {
    this.level = LEVELS[name] ?? LL_NOTICE;
  }

  /** Format one line (exported for tests and the start-up checks). */
  format(level: number, msg: string, d = new Date()): string {
    const p2 = (n: number) => (n < 10 ? "0" : "") + n;
    const ms = String(d.getMilliseconds()).padStart(3, "0");
    const ts = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${ms}`;
    return `${process.pid}:${this.role} ${ts} ${MARKS[level] ?? "#"} ${msg}\n`;
  }

  log(level: number, msg: string): void {
    if (level < this.level) return;
    const line = this.format(level, msg);
    if (this.file === "") process.stdout.write(line);
    else {
      try {
        appendFileSync(this.file, line);
      } catch {
        // Like Redis: a log line that cannot be written is dropped.
      }
    }
  }

  debug(msg: string): void {
    this.log(LL_DEBUG, msg);
  }
  verbose(msg: string): void {
    this.log(LL_VERBOSE, msg);
  }
  notice(msg: string): void {
    this.log(LL_NOTICE, msg);
  }
  warning(msg: string): void {
    this.log(LL_WARNING, msg);
  }
}
