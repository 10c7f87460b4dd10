/**
 * Blocked clients: BLPOP & co here, and the same machinery for BZPOPMIN/BZMPOP and XREAD BLOCK.
 * Redis 7.0's model:
 *
 * - A command that finds nothing calls `block(c, keys, deadline, kind, serve)`. The client gets
 *   CF_BLOCKED (dispatch stops reading its input) and one waiter per distinct key is appended to
 *   that key's FIFO queue (an intrusive list per blocked key, keys held in a per-database Dict).
 * - Writes mark keys ready: key creation (the store's onKeyCreated, Redis's dbAdd →
 *   signalKeyAsReady) and explicit `signalKeyAsReady(db, key)` calls (streams, SWAPDB...).
 *   Marking is O(1) and a no-op when nobody waits on the key.
 * - After each top-level command (and so after EXEC or a script as a whole) the `afterCommand`
 *   hook serves ready keys: clients in FIFO order get their `serve` callback, which does its pop,
 *   writes its reply to `c.out` (a side writer set to that client's protocol, swapped in for the
 *   call), propagates its non-blocking form, and returns SERVED, NOT_SERVED (stay blocked, try the
 *   next client) or STOP (nobody else can be served from this key now). Serving can ready more
 *   keys (BLMOVE pushes): the loop runs until no key is ready.
 * - A served, timed-out or CLIENT UNBLOCKed client resumes its pipelined input on a microtask,
 *   after the current client's processing is over (Redis does it in beforeSleep).
 * - Timeouts: absolute deadlines in ms on the server clock, in an indexed min-heap. One precise
 *   timer is armed for the earliest deadline; cron also checks (fake-clock tests drive cron).
 *
 * `server.blockedClients` is kept exact at every moment (INFO blocked_clients).
 */
import { SERVED, STOP, type ServeResult } from "../commands/blocking-args.ts";
import { Dict, hashBytes, type DictEntry } from "../datastructures/dict.ts";
import { IntrusiveList, type ListNode } from "../datastructures/intrusive-list.ts";
import { ReplyError } from "../protocol/errors.ts";
import { ReplyWriter } from "../protocol/resp/writer.ts";
import type { Database } from "../store/database.ts";
import { CF_BLOCKED, CF_FAKE, CF_MULTI, CF_SCRIPT, type Client } from "./client.ts";
import type { Server } from "./server.ts";

export { BLOCKED_LIST, BLOCKED_STREAM, BLOCKED_ZSET, NOT_SERVED, SERVED, STOP, type ServeResult } from "../commands/blocking-args.ts";

/**
 * Try to serve a blocked client because `key` is ready. Write the reply to `c.out`, propagate and
 * notify as the non-blocking command would. `c.db` is the database the client blocked in.
 * Must not use `c.argv` (those views died when the blocking command returned).
 */
export type ServeFn = (c: Client, key: Uint8Array) => ServeResult;

export const UNBLOCKED_ERROR = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

class Waiter implements ListNode<Waiter> {
  prev: Waiter | null = null;
  next: Waiter | null = null;
  linked = true;
  constructor(
    readonly state: BlockState,
    readonly bk: BlockedKey,
  ) {}
}

class BlockedKey implements DictEntry {
  next: BlockedKey | null = null;
  readonly queue = new IntrusiveList<Waiter>();
  ready = false;
  constructor(
    public key: Uint8Array,
    public hash: number,
    readonly db: Database,
  ) {}
}

/** One blocked client's state. */
export class BlockState {
  readonly waiters: Waiter[] = [];
  /** Position in the timeout heap, -1 when not in it. */
  heapIndex = -1;
  constructor(
    readonly client: Client,
    readonly db: Database,
    readonly kind: number,
    /** Absolute deadline in ms, 0 = forever. */
    readonly deadline: number,
    readonly serve: ServeFn,
    /** Reply on timeout (or CLIENT UNBLOCK ... TIMEOUT); null array when not given. */
    readonly onTimeout: ((out: ReplyWriter) => void) | null,
  ) {}
}

export class Blocking {
  private readonly byDb: (Dict<BlockedKey> | undefined)[] = [];
  private readonly states = new Map<number, BlockState>();
  private ready: BlockedKey[] = [];
  private readonly heap: BlockState[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = 0;
  private resumeQueue: Client[] = [];
  private readonly side = new ReplyWriter(4096);
  /**
   * Raised by EXEC and script runners whose clients carry no CF_MULTI/CF_SCRIPT flag while they
   * run: blocking commands then answer as if timed out, as Redis does inside MULTI and Lua.
   */
  denyBlocking = 0;

  constructor(private readonly server: Server) {
    server.onKeyCreated.push((db, key) => this.signalKeyAsReady(db, key));
    server.afterCommand.push(() => this.handleReady());
    server.onClientClose.push((c) => this.onClientClose(c));
    server.cronHooks.push(() => this.checkTimeouts());
  }

  /** Number of blocked clients (this module's share of INFO blocked_clients). */
  get size(): number {
    return this.states.size;
  }

  /** True when `c` may block now: not inside MULTI/EXEC, a script, or a fake client. */
  canBlock(c: Client): boolean {
    return this.denyBlocking === 0 && (c.flags & (CF_MULTI | CF_SCRIPT | CF_FAKE)) === 0;
  }

  /** The state of a blocked client, if blocked here. */
  stateOf(c: Client): BlockState | undefined {
    return this.states.get(c.id);
  }

  /** Number of clients waiting on key in db (tests, DEBUG). */
  waitingOn(db: Database, key: Uint8Array): number {
    const bk = this.byDb[db.id]?.get(key);
    return bk == null ? 0 : bk.queue.length;
  }

  /**
   * Park `c` until one of `keys` (owned copies) is served, the deadline passes (absolute ms on
   * the server clock; 0 = never) or it is unblocked. The caller has written no reply.
   */
  block(c: Client, keys: readonly Uint8Array[], deadline: number, kind: number, serve: ServeFn, onTimeout: ((out: ReplyWriter) => void) | null = null): void {
    const st = new BlockState(c, c.db, kind, deadline, serve, onTimeout);
    let dict = this.byDb[c.db.id];
    if (dict === undefined) {
      dict = new Dict<BlockedKey>();
      this.byDb[c.db.id] = dict;
    }
    for (const key of keys) {
      const h = hashBytes(key);
      let bk = dict.find(key, h);
      if (bk === null) {
        bk = new BlockedKey(key, h, c.db);
        dict.insert(bk);
      } else if (st.waiters.some((w) => w.bk === bk)) {
        continue; // the same key twice waits once, like Redis
      }
      const w = new Waiter(st, bk);
      bk.queue.pushBack(w);
      st.waiters.push(w);
    }
    this.states.set(c.id, st);
    c.flags |= CF_BLOCKED;
    this.server.blockedClients++;
    if (deadline > 0) this.heapPush(st);
  }

  /** Mark a key ready for the clients blocked on it (no-op when nobody waits on it). */
  signalKeyAsReady(db: Database, key: Uint8Array): void {
    if (this.states.size === 0) return;
    const bk = this.byDb[db.id]?.get(key);
    if (bk == null || bk.ready) return;
    bk.ready = true;
    this.ready.push(bk);
  }

  /** Mark every key of db that someone waits on and that exists (SWAPDB, FLUSHDB-like moves). */
  signalDatabase(db: Database): void {
    const dict = this.byDb[db.id];
    if (dict === undefined) return;
    dict.forEach((bk) => {
      if (!bk.ready && db.lookup(bk.key) !== null) {
        bk.ready = true;
        this.ready.push(bk);
      }
    });
  }

  /** Serve clients blocked on ready keys (after every command; loops while keys get ready). */
  handleReady(): void {
    while (this.ready.length > 0) {
      const batch = this.ready;
      this.ready = [];
      for (const bk of batch) {
        bk.ready = false;
        this.serveKey(bk);
        if (bk.queue.isEmpty) this.dropKey(bk);
      }
    }
  }

  private serveKey(bk: BlockedKey): void {
    let w = bk.queue.head;
    while (w !== null) {
      const next: Waiter | null = w.next;
      const r = this.serveOne(w.state, bk.key);
      if (r === SERVED) this.finish(w.state);
      else if (r === STOP) break;
      // A serve can ready keys but never unlinks other waiters synchronously; check anyway.
      w = next !== null && next.linked ? next : null;
    }
  }

  private serveOne(st: BlockState, key: Uint8Array): ServeResult {
    const c = st.client;
    const side = this.side;
    const saved = c.out;
    side.resp = c.resp;
    side.onError = this.server.out.onError;
    side.len = 0;
    c.out = side;
    const savedDb = c.db;
    c.db = st.db;
    this.server.ks.now = this.server.clock();
    let r: ServeResult;
    try {
      r = st.serve(c, key);
    } catch (err) {
      if (!(err instanceof ReplyError)) throw err;
      side.error(err.text);
      r = SERVED;
    } finally {
      c.out = saved;
      c.db = savedDb;
    }
    if (r === SERVED) c.send(side.take());
    else side.len = 0;
    return r;
  }

  /** Unblock `c` replying as a timeout (`error` false) or with the UNBLOCKED error. */
  unblockClient(c: Client, error: boolean): boolean {
    const st = this.states.get(c.id);
    if (st === undefined) return false;
    this.replyTimeout(st, error);
    this.finish(st);
    return true;
  }

  private replyTimeout(st: BlockState, error: boolean): void {
    const side = this.side;
    side.resp = st.client.resp;
    side.onError = this.server.out.onError;
    side.len = 0;
    if (error) side.error(UNBLOCKED_ERROR);
    else if (st.onTimeout !== null) st.onTimeout(side);
    else side.nullArray();
    st.client.send(side.take());
  }

  /** Remove every trace of a blocked client and resume its input. */
  private finish(st: BlockState): void {
    this.detach(st);
    this.resume(st.client);
  }

  private detach(st: BlockState): void {
    const c = st.client;
    if (this.states.get(c.id) !== st) return;
    this.states.delete(c.id);
    for (const w of st.waiters) {
      if (!w.linked) continue;
      w.linked = false;
      const bk = w.bk;
      bk.queue.remove(w);
      if (bk.queue.isEmpty && !bk.ready) this.dropKey(bk);
    }
    if (st.heapIndex >= 0) this.heapRemove(st);
    c.flags &= ~CF_BLOCKED;
    this.server.blockedClients--;
  }

  private dropKey(bk: BlockedKey): void {
    const dict = this.byDb[bk.db.id];
    if (dict !== undefined && dict.find(bk.key, bk.hash) === bk) dict.delete(bk.key, bk.hash);
  }

  private resume(c: Client): void {
    this.resumeQueue.push(c);
    if (this.resumeQueue.length === 1) queueMicrotask(() => this.flushResumed());
  }

  private flushResumed(): void {
    const q = this.resumeQueue;
    this.resumeQueue = [];
    for (const c of q) {
      if (this.server.clients.get(c.id) === c && c.socket !== null && !(c.flags & CF_BLOCKED)) this.server.processInput(c);
    }
  }

  private onClientClose(c: Client): void {
    const st = this.states.get(c.id);
    if (st !== undefined) this.detach(st);
  }

  // ---------------------------------------------------------------------------------------------
  // Timeouts

  /** Reply to and unblock every client whose deadline has passed; re-arm the timer. */
  checkTimeouts(): void {
    const heap = this.heap;
    if (heap.length === 0) return;
    const now = this.server.clock();
    while (heap.length > 0 && heap[0]!.deadline <= now) {
      const st = heap[0]!;
      if (this.server.clients.get(st.client.id) !== st.client) {
        this.detach(st); // closed without the close hook (server stopping)
        continue;
      }
      this.replyTimeout(st, false);
      this.finish(st);
    }
    this.arm();
  }

  private arm(): void {
    const top = this.heap[0];
    if (top === undefined) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    if (this.timer !== null && this.timerAt === top.deadline) return;
    if (this.timer !== null) clearTimeout(this.timer);
    const delay = Math.min(Math.max(0, top.deadline - this.server.clock()), 0x7fffffff);
    this.timerAt = top.deadline;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.checkTimeouts();
    }, delay);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Stop the timer (server shutdown). */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private heapPush(st: BlockState): void {
    const h = this.heap;
    st.heapIndex = h.length;
    h.push(st);
    this.siftUp(st.heapIndex);
    if (st.heapIndex === 0) this.arm();
  }

  private heapRemove(st: BlockState): void {
    const h = this.heap;
    const i = st.heapIndex;
    const last = h.pop()!;
    st.heapIndex = -1;
    if (last !== st) {
      h[i] = last;
      last.heapIndex = i;
      this.siftDown(i);
      this.siftUp(last.heapIndex);
    }
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const x = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const y = h[p]!;
      if (y.deadline <= x.deadline) break;
      h[i] = y;
      y.heapIndex = i;
      i = p;
    }
    h[i] = x;
    x.heapIndex = i;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const n = h.length;
    const x = h[i]!;
    for (;;) {
      let m = 2 * i + 1;
      if (m >= n) break;
      if (m + 1 < n && h[m + 1]!.deadline < h[m]!.deadline) m++;
      const y = h[m]!;
      if (x.deadline <= y.deadline) break;
      h[i] = y;
      y.heapIndex = i;
      i = m;
    }
    h[i] = x;
    x.heapIndex = i;
  }
}

/**
 * CLIENT UNBLOCK <id> [TIMEOUT|ERROR]: unblock a client blocked by a blocking command. Returns
 * true when it was blocked here (reply :1), false otherwise (:0). For the CLIENT command family.
 */
export function unblockClient(server: Server, id: number, error: boolean): boolean {
  const c = server.clients.get(id);
  if (c === undefined || !(c.flags & CF_BLOCKED)) return false;
  return server.blocking.unblockClient(c, error);
}
