/**
 * A small raw-mode line editor for the REPL, in the manner of linenoise (which redis-cli uses):
 * one editable line with the prompt, greyed hints after the text, history browsed with the arrow
 * keys, TAB completion that cycles through candidates, and the usual Emacs keys:
 *
 *   Left/Right, Ctrl-B/F     move            Home/End, Ctrl-A/E   line start/end
 *   Up/Down, Ctrl-P/N        history         Backspace, Delete    delete a character
 *   Ctrl-K / Ctrl-U          kill to end / whole line              Ctrl-W   delete a word
 *   Ctrl-T                   transpose       Ctrl-L               clear the screen
 *   Ctrl-C                   clear the line, or quit on an empty one
 *   Ctrl-D                   quit on an empty line, else delete under the cursor
 *
 * Keys typed while no line is being read (a command is running) are kept for the next line,
 * except Ctrl-C, which is reported through `onInterrupt` (it stops SUBSCRIBE/MONITOR streaming).
 * Lines longer than the terminal scroll horizontally.
 */
import { StringDecoder } from "node:string_decoder";

/** Where the editor reads keys and draws. */
export interface Terminal {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
}

export interface EditorCallbacks {
  /** Completion candidates for the whole line (each one a full replacement line). */
  complete?(line: string): string[];
  /** Text drawn greyed after the line, or null. */
  hint?(line: string): string | null;
  /** Ctrl-C while no line is being edited. */
  onInterrupt?(): void;
}

const GREY = "\x1b[90m";
const RESET = "\x1b[0m";

type Pending = { resolve: (line: string | null) => void };

export class LineEditor {
  private history: string[] = [];
  private histIndex = 0;
  private buf = "";
  private cursor = 0;
  private prompt = "";
  private pending: Pending | null = null;
  private queued = "";
  private readonly decoder = new StringDecoder("utf8");
  /** TAB completion in progress: candidates and the one shown (-1 = the original line). */
  private completion: { line: string; cursor: number; candidates: string[]; index: number } | null = null;
  hints = true;
  private started = false;

  constructor(
    private readonly term: Terminal,
    private readonly cb: EditorCallbacks = {},
  ) {}

  private readonly onData = (d: Buffer | string) => {
    const s = typeof d === "string" ? d : this.decoder.write(d);
    if (this.pending === null) {
      // A command is running: Ctrl-C interrupts it, other keys wait for the next prompt.
      for (const ch of s) {
        if (ch === "\x03") this.cb.onInterrupt?.();
        else this.queued += ch;
      }
      return;
    }
    this.feed(s);
  };

  /** Enter raw mode and start listening (once). */
  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.term.input.isTTY) this.term.input.setRawMode(true);
    this.term.input.on("data", this.onData);
    this.term.input.resume();
  }

  /** Leave raw mode and stop listening. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.term.input.off("data", this.onData);
    if (this.term.input.isTTY) this.term.input.setRawMode(false);
    this.term.input.pause();
  }

  /** Replace the history (oldest first). */
  setHistory(lines: readonly string[]): void {
    this.history = [...lines];
  }

  /** Add a line to the history (not repeating the last one). */
  addHistory(line: string): void {
    if (this.history[this.history.length - 1] !== line) this.history.push(line);
  }

  /** Read one line; null on Ctrl-D or Ctrl-C on an empty line. */
  readLine(prompt: string): Promise<string | null> {
    this.start();
    this.prompt = prompt;
    this.buf = "";
    this.cursor = 0;
    this.histIndex = this.history.length;
    this.completion = null;
    const p = new Promise<string | null>((resolve) => {
      this.pending = { resolve };
    });
    this.refresh();
    if (this.queued !== "") {
      const q = this.queued;
      this.queued = "";
      this.feed(q);
    }
    return p;
  }

  /** Clear the screen (the `clear` command and Ctrl-L). */
  clearScreen(): void {
    this.term.output.write("\x1b[H\x1b[2J");
  }

  private write(s: string): void {
    this.term.output.write(s);
  }

  private finish(line: string | null): void {
    const p = this.pending;
    if (p === null) return;
    // Redraw without the hint, then leave the line.
    const keepHints = this.hints;
    this.hints = false;
    this.refresh();
    this.hints = keepHints;
    this.pending = null;
    this.write("\r\n");
    p.resolve(line);
  }

  /** Process typed text (keys and escape sequences). */
  private feed(s: string): void {
    let i = 0;
    while (i < s.length && this.pending !== null) {
      const ch = s[i]!;
      if (ch === "\x1b") {
        const m = /^\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z]|.)?/.exec(s.slice(i))!;
        this.key(m[0]);
        i += m[0].length;
        continue;
      }
      // A pasted line may carry several characters in one chunk; text runs are inserted at once.
      if (ch >= " " && ch !== "\x7f") {
        let j = i;
        while (j < s.length && s[j]! >= " " && s[j] !== "\x7f" && s[j] !== "\x1b") j++;
        this.acceptCompletion();
        this.insert(s.slice(i, j));
        i = j;
        continue;
      }
      this.key(ch);
      i++;
    }
    if (i < s.length) this.queued += s.slice(i);
  }

  /** Leave TAB completion keeping the candidate shown. */
  private acceptCompletion(): void {
    this.completion = null;
  }

  private insert(text: string): void {
    this.buf = this.buf.slice(0, this.cursor) + text + this.buf.slice(this.cursor);
    this.cursor += text.length;
    this.refresh();
  }

  private key(k: string): void {
    if (k === "\t") {
      this.tab();
      return;
    }
    if (this.completion !== null) {
      if (k === "\x1b") {
        // Escape: back to what was typed.
        this.buf = this.completion.line;
        this.cursor = this.completion.cursor;
        this.completion = null;
        this.refresh();
        return;
      }
      this.acceptCompletion();
    }
    switch (k) {
      case "\r":
      case "\n":
        this.finish(this.buf);
        return;
      case "\x03": // Ctrl-C
        if (this.buf === "") {
          this.write("^C");
          this.finish(null);
        } else {
          this.write("^C\r\n");
          this.buf = "";
          this.cursor = 0;
          this.refresh();
        }
        return;
      case "\x04": // Ctrl-D
        if (this.buf === "") this.finish(null);
        else this.deleteAt(this.cursor);
        return;
      case "\x7f":
      case "\x08":
        if (this.cursor > 0) {
          this.cursor--;
          this.deleteAt(this.cursor);
        }
        return;
      case "\x1b[3~":
        this.deleteAt(this.cursor);
        return;
      case "\x01":
      case "\x1b[H":
      case "\x1bOH":
      case "\x1b[1~":
      case "\x1b[7~":
        this.cursor = 0;
        break;
      case "\x05":
      case "\x1b[F":
      case "\x1bOF":
      case "\x1b[4~":
      case "\x1b[8~":
        this.cursor = this.buf.length;
        break;
      case "\x02":
      case "\x1b[D":
      case "\x1bOD":
        if (this.cursor > 0) this.cursor--;
        break;
      case "\x06":
      case "\x1b[C":
      case "\x1bOC":
        if (this.cursor < this.buf.length) this.cursor++;
        break;
      case "\x10":
      case "\x1b[A":
      case "\x1bOA":
        this.historyMove(-1);
        return;
      case "\x0e":
      case "\x1b[B":
      case "\x1bOB":
        this.historyMove(1);
        return;
      case "\x0b": // Ctrl-K
        this.buf = this.buf.slice(0, this.cursor);
        break;
      case "\x15": // Ctrl-U
        this.buf = "";
        this.cursor = 0;
        break;
      case "\x17": {
        // Ctrl-W: the word before the cursor, and the spaces after it.
        let j = this.cursor;
        while (j > 0 && this.buf[j - 1] === " ") j--;
        while (j > 0 && this.buf[j - 1] !== " ") j--;
        this.buf = this.buf.slice(0, j) + this.buf.slice(this.cursor);
        this.cursor = j;
        break;
      }
      case "\x14": // Ctrl-T
        if (this.cursor > 0 && this.buf.length >= 2) {
          const at = this.cursor === this.buf.length ? this.cursor - 1 : this.cursor;
          const a = this.buf[at - 1]!;
          const b = this.buf[at]!;
          this.buf = this.buf.slice(0, at - 1) + b + a + this.buf.slice(at + 1);
          this.cursor = Math.min(this.buf.length, at + 1);
        }
        break;
      case "\x0c": // Ctrl-L
        this.clearScreen();
        break;
      default:
        return;
    }
    this.refresh();
  }

  private deleteAt(i: number): void {
    if (i < 0 || i >= this.buf.length) return;
    this.buf = this.buf.slice(0, i) + this.buf.slice(i + 1);
    this.refresh();
  }

  private historyMove(dir: number): void {
    if (this.history.length === 0) return;
    // The line being typed is kept as the newest entry while browsing.
    if (this.histIndex === this.history.length) this.draft = this.buf;
    const next = this.histIndex + dir;
    if (next < 0 || next > this.history.length) return;
    this.histIndex = next;
    this.buf = next === this.history.length ? this.draft : this.history[next]!;
    this.cursor = this.buf.length;
    this.refresh();
  }

  private draft = "";

  private tab(): void {
    const complete = this.cb.complete;
    if (complete === undefined) return;
    if (this.completion === null) {
      const candidates = complete(this.buf);
      if (candidates.length === 0) {
        this.write("\x07");
        return;
      }
      this.completion = { line: this.buf, cursor: this.cursor, candidates, index: -1 };
    }
    const c = this.completion;
    c.index++;
    // After the last candidate comes the original line again, then the first candidate.
    if (c.index > c.candidates.length) c.index = 0;
    if (c.index === c.candidates.length) {
      this.buf = c.line;
      this.cursor = c.cursor;
      this.write("\x07");
    } else {
      this.buf = c.candidates[c.index]!;
      this.cursor = this.buf.length;
    }
    this.refresh();
  }

  /** Redraw the prompt, the visible part of the line and the hint; place the cursor. */
  private refresh(): void {
    if (this.pending === null) return;
    const cols = this.term.output.columns > 0 ? this.term.output.columns : 80;
    const plen = this.prompt.length;
    let start = 0;
    let end = this.buf.length;
    // Horizontal scrolling: keep the cursor on screen.
    while (plen + this.cursor - start >= cols) start++;
    while (plen + end - start > cols) end--;
    let line = this.prompt + this.buf.slice(start, end);
    if (this.hints && this.cb.hint !== undefined && this.completion === null) {
      const h = this.cb.hint(this.buf);
      const room = cols - (plen + end - start);
      if (h !== null && room > 0) line += GREY + h.slice(0, room) + RESET;
    }
    const col = plen + this.cursor - start;
    this.write(`\r${line}\x1b[0K\r${col > 0 ? `\x1b[${col}C` : ""}`);
  }
}
