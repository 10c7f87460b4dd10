/**
 * A small RESP client over a real socket, for server and interop tests. Replies are read in
 * order; `raw()` returns a reply's exact bytes (for byte-for-byte differential tests), `reply()`
 * its decoded value.
 */
import type { Socket } from "bun";
import { concat, decode, encodeCommand, frameEnd, latin1Decode, latin1Encode, type Reply } from "./resp.ts";

type Arg = string | Uint8Array | number;

export class TestClient {
  private buf: Uint8Array = new Uint8Array(0);
  private waiters: (() => void)[] = [];
  private sock!: Socket<undefined>;
  closed = false;
  private closedWaiters: (() => void)[] = [];

  static async connect(port: number, host = "127.0.0.1"): Promise<TestClient> {
    const c = new TestClient();
    c.sock = await Bun.connect({
      hostname: host,
      port,
      socket: {
        data: (_s, d) => c.onData(d),
        close: () => c.onClose(),
        error: () => c.onClose(),
      },
    });
    return c;
  }

  static async connectUnix(path: string): Promise<TestClient> {
    const c = new TestClient();
    c.sock = await Bun.connect({
      unix: path,
      socket: {
        data: (_s, d) => c.onData(d),
        close: () => c.onClose(),
        error: () => c.onClose(),
      },
    });
    return c;
  }

  private onData(d: Uint8Array): void {
    this.buf = this.buf.length === 0 ? d.slice() : concat([this.buf, d]);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private onClose(): void {
    this.closed = true;
    const w = [...this.waiters, ...this.closedWaiters];
    this.waiters = [];
    this.closedWaiters = [];
    for (const f of w) f();
  }

  /** Send a command without waiting. */
  send(...args: Arg[]): void {
    this.write(encodeCommand(args));
  }

  /** Send raw bytes (inline commands, malformed frames). */
  write(data: string | Uint8Array): void {
    const b = typeof data === "string" ? latin1Encode(data) : data;
    let off = 0;
    while (off < b.length) {
      const n = this.sock.write(b.subarray(off));
      if (n <= 0) break;
      off += n;
    }
    if (off < b.length) this.pendingWrites.push(b.subarray(off));
    this.flushPending();
  }

  private pendingWrites: Uint8Array[] = [];
  private flushPending(): void {
    if (this.pendingWrites.length === 0) return;
    const again = () => {
      while (this.pendingWrites.length > 0) {
        const b = this.pendingWrites[0]!;
        const n = this.sock.write(b);
        if (n >= b.length) this.pendingWrites.shift();
        else {
          if (n > 0) this.pendingWrites[0] = b.subarray(n);
          setTimeout(again, 1);
          return;
        }
      }
    };
    setTimeout(again, 1);
  }

  /** The next reply's raw bytes. Rejects after `timeoutMs` or when the connection closes. */
  async raw(timeoutMs = 10_000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buf.length > 0 ? frameEnd(this.buf, 0) : -1;
      if (end > 0) {
        const frame = this.buf.slice(0, end);
        this.buf = this.buf.subarray(end);
        return frame;
      }
      if (this.closed) throw new Error("connection closed");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a reply; have ${JSON.stringify(latin1Decode(this.buf))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The next reply, decoded. */
  async reply(timeoutMs?: number): Promise<Reply> {
    return decode(await this.raw(timeoutMs))[0];
  }

  /** Send a command and return its decoded reply. */
  async call(...args: Arg[]): Promise<Reply> {
    this.send(...args);
    return this.reply();
  }

  /** Send a command and return its reply's raw bytes as latin1 text. */
  async callRaw(...args: Arg[]): Promise<string> {
    this.send(...args);
    return latin1Decode(await this.raw());
  }

  /** True when no reply bytes are waiting. */
  get idle(): boolean {
    return this.buf.length === 0;
  }

  /** Resolves when the server closes the connection (or after timeoutMs, rejecting). */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("connection still open")), timeoutMs);
      this.closedWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  close(): void {
    this.sock.end();
  }

  /** This side's port (identifies the connection on the server: its `addr` ends with it). */
  get localPort(): number {
    return this.sock.localPort;
  }
}
