/**
 * kedis-cli's connection to a server: TCP or Unix socket, commands out, replies in order.
 *
 * `read()` resolves with the next reply. RESP3 push frames that arrive between replies
 * (invalidation messages, pub/sub messages outside subscribe mode) are handed to `onPush` rather
 * than taken for a reply; streaming modes (SUBSCRIBE, MONITOR) read every frame with
 * `readAny()`. When the server goes away, pending and later reads reject with ConnectionClosed.
 */
import type { Socket } from "bun";
import { ProtocolError, ReplyReader, toBytes, type Reply } from "./reply.ts";

/** Where to connect. */
export type Target = { readonly host: string; readonly port: number } | { readonly path: string };

/** The server closed the connection (or it broke). */
export class ConnectionClosed extends Error {
  constructor() {
    super("Server closed the connection");
  }
}

/** Connecting failed; the message is redis-cli's ("Could not connect to Redis at ...: reason"). */
export class ConnectError extends Error {}

/** "host:port" or the socket path, as redis-cli names a server in messages and prompts. */
export function targetName(t: Target): string {
  return "path" in t ? t.path : `${t.host}:${t.port}`;
}

/** The system's wording for a connect failure, as strerror() would give it. */
function reason(e: unknown): string {
  const code = (e as { code?: string } | null)?.code ?? "";
  switch (code) {
    case "ECONNREFUSED":
      return "Connection refused";
    case "ENOENT":
      return "No such file or directory";
    case "EACCES":
      return "Permission denied";
    case "ETIMEDOUT":
      return "Connection timed out";
    case "EHOSTUNREACH":
      return "No route to host";
    case "ENETUNREACH":
      return "Network is unreachable";
    case "ENOTFOUND":
    case "EAI_NONAME":
    case "DNSException":
      return "Name or service not known";
    default: {
      const m = e instanceof Error ? e.message : String(e);
      if (/getaddrinfo|ENOTFOUND|DNS/i.test(m)) return "Name or service not known";
      if (/refused/i.test(m)) return "Connection refused";
      return m;
    }
  }
}

type Waiter = { resolve: (r: Reply) => void; reject: (e: Error) => void; any: boolean };

export class Connection {
  private sock: Socket<undefined> | null = null;
  private readonly reader = new ReplyReader();
  private waiters: Waiter[] = [];
  private closeWaiters: (() => void)[] = [];
  private pendingOut: Uint8Array[] = [];
  private drainWaiters: (() => void)[] = [];
  /** Replies that arrived while nobody was reading (kept in order for the next read). */
  private backlog: Reply[] = [];
  closed = false;
  /** Called with push frames received while waiting for a normal reply. */
  onPush: ((r: Reply) => void) | null = null;
  /** Called once when the connection closes. */
  onClose: (() => void) | null = null;

  private constructor(readonly target: Target) {}

  /** Connect; throws ConnectError with redis-cli's message. */
  static async open(target: Target): Promise<Connection> {
    const c = new Connection(target);
    const handlers = {
      data: (_s: Socket<undefined>, d: Uint8Array) => c.onData(d),
      close: () => c.handleClose(),
      error: () => c.handleClose(),
      drain: () => c.flush(),
    };
    try {
      c.sock = "path" in target ? await Bun.connect({ unix: target.path, socket: handlers }) : await Bun.connect({ hostname: target.host, port: target.port, socket: handlers });
    } catch (e) {
      throw new ConnectError(`Could not connect to Redis at ${targetName(target)}: ${reason(e)}`);
    }
    return c;
  }

  private onData(d: Uint8Array): void {
    try {
      this.reader.feed(d);
    } catch (e) {
      const err = e instanceof ProtocolError ? e : new ProtocolError(String(e));
      this.failAll(err);
      this.close();
      return;
    }
    for (let r = this.reader.next(); r !== undefined; r = this.reader.next()) this.deliver(r);
  }

  private deliver(r: Reply): void {
    const w = this.waiters[0];
    if (r.t === "push" && (w === undefined || !w.any) && this.onPush !== null) {
      this.onPush(r);
      return;
    }
    if (w === undefined) {
      this.backlog.push(r);
      return;
    }
    this.waiters.shift();
    w.resolve(r);
  }

  private failAll(e: Error): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(e);
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock = null;
    this.failAll(new ConnectionClosed());
    for (const f of this.closeWaiters) f();
    this.closeWaiters = [];
    for (const f of this.drainWaiters) f();
    this.drainWaiters = [];
    this.onClose?.();
  }

  /** Send one command (binary-string arguments). */
  send(args: readonly string[]): void {
    const parts: string[] = [`*${args.length}\r\n`];
    for (const a of args) parts.push(`$${a.length}\r\n`, a, "\r\n");
    this.write(toBytes(parts.join("")));
  }

  /** Write bytes as they are (--pipe). */
  write(b: Uint8Array): void {
    if (this.sock === null) return;
    if (this.pendingOut.length > 0) {
      this.pendingOut.push(b);
      return;
    }
    const n = this.sock.write(b);
    if (n < b.length) this.pendingOut.push(b.subarray(Math.max(0, n)));
  }

  private flush(): void {
    while (this.sock !== null && this.pendingOut.length > 0) {
      const b = this.pendingOut[0]!;
      const n = this.sock.write(b);
      if (n < b.length) {
        this.pendingOut[0] = b.subarray(Math.max(0, n));
        return;
      }
      this.pendingOut.shift();
    }
    const ws = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of ws) f();
  }

  /** Resolves when everything written so far has left (or the connection closed). */
  drained(): Promise<void> {
    if (this.pendingOut.length === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Bytes accepted by write() that have not reached the socket yet. */
  get queuedBytes(): number {
    let n = 0;
    for (const b of this.pendingOut) n += b.length;
    return n;
  }

  /** The next reply (push frames go to onPush, when set). */
  read(): Promise<Reply> {
    return this.readFrame(false);
  }

  /** The next frame of any kind, push frames included (subscribe and monitor modes). */
  readAny(): Promise<Reply> {
    return this.readFrame(true);
  }

  private readFrame(any: boolean): Promise<Reply> {
    while (this.backlog.length > 0) {
      const r = this.backlog.shift()!;
      if (r.t === "push" && !any && this.onPush !== null) {
        this.onPush(r);
        continue;
      }
      return Promise.resolve(r);
    }
    if (this.closed) return Promise.reject(new ConnectionClosed());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject, any }));
  }

  /** Send a command and read its reply. */
  async call(args: readonly string[]): Promise<Reply> {
    this.send(args);
    return this.read();
  }

  /** Resolves when the connection closes. */
  whenClosed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  close(): void {
    if (this.sock !== null) this.sock.end();
    this.handleClose();
  }
}
