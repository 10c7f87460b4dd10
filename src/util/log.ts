/**
 * Redis-style log lines: `<pid>:<role> <dd Mon yyyy hh:mm:ss.mmm> <level> <message>`, where the
 * level mark is `.` debug, `-` verbose, `*` notice, `#` warning.
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

  log(level: number, msg: string): void {
    if (level < this.level) return;
    const d = new Date();
    const p2 = (n: number) => (n < 10 ? "0" : "") + n;
    const ms = String(d.getMilliseconds()).padStart(3, "0");
    const ts = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${ms}`;
    const line = `${process.pid}:${this.role} ${ts} ${MARKS[level]} ${msg}\n`;
    if (this.file === "") process.stdout.write(line);
    else appendFileSync(this.file, line);
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
