/**
 * Intrusive doubly linked list: the nodes carry their own `prev`/`next` links, so a node is
 * unlinked in O(1) given only the node, and the list allocates nothing per element.
 *
 * Invariants:
 * - `head.prev === null`, `tail.next === null`; `length` counts the nodes reachable from `head`.
 * - A node belongs to at most one IntrusiveList through a given pair of link fields. The list does
 *   not check membership (that would cost a field or a walk): callers only `remove` nodes they
 *   know to be in this list. After `remove`/`popFront`/`popBack` a node's links are null again.
 * Ownership: the list holds references to the caller's nodes; it never copies them.
 * Complexity: O(1) push/pop at both ends, insert before/after a node, remove by node;
 * O(n) iteration and `at` (which walks from the nearer end).
 *
 * Users: the quicklist's chunk spine, blocked-client queues, any LRU-style order.
 */

/** What a node must carry. `T` is the node type itself. */
export interface ListNode<T> {
  prev: T | null;
  next: T | null;
}

export class IntrusiveList<T extends ListNode<T>> {
  head: T | null = null;
  tail: T | null = null;
  length = 0;

  get isEmpty(): boolean {
    return this.length === 0;
  }

  /** Append a node that is not in any list. */
  pushBack(n: T): void {
    n.next = null;
    n.prev = this.tail;
    if (this.tail === null) this.head = n;
    else this.tail.next = n;
    this.tail = n;
    this.length++;
  }

  /** Prepend a node that is not in any list. */
  pushFront(n: T): void {
    n.prev = null;
    n.next = this.head;
    if (this.head === null) this.tail = n;
    else this.head.prev = n;
    this.head = n;
    this.length++;
  }

  /** Insert `n` right after `ref` (which is in this list). */
  insertAfter(ref: T, n: T): void {
    const next = ref.next;
    n.prev = ref;
    n.next = next;
    ref.next = n;
    if (next === null) this.tail = n;
    else next.prev = n;
    this.length++;
  }

  /** Insert `n` right before `ref` (which is in this list). */
  insertBefore(ref: T, n: T): void {
    const prev = ref.prev;
    n.next = ref;
    n.prev = prev;
    ref.prev = n;
    if (prev === null) this.head = n;
    else prev.next = n;
    this.length++;
  }

  /** Unlink a node that is in this list. */
  remove(n: T): void {
    const prev = n.prev;
    const next = n.next;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    n.prev = n.next = null;
    this.length--;
  }

  popFront(): T | null {
    const n = this.head;
    if (n !== null) this.remove(n);
    return n;
  }

  popBack(): T | null {
    const n = this.tail;
    if (n !== null) this.remove(n);
    return n;
  }

  /** Move a node of this list to the back (LRU "touch"). */
  moveToBack(n: T): void {
    if (this.tail === n) return;
    this.remove(n);
    this.pushBack(n);
  }

  /** The node at index i (negative counts from the tail), walking from the nearer end. */
  at(i: number): T | null {
    if (i < 0) i += this.length;
    if (i < 0 || i >= this.length) return null;
    if (i < this.length / 2) {
      let n = this.head;
      while (i-- > 0 && n !== null) n = n.next;
      return n;
    }
    let n = this.tail;
    for (let j = this.length - 1; j > i && n !== null; j--) n = n.prev;
    return n;
  }

  /** Drop every node (their links are left as they were: the nodes are being discarded). */
  clear(): void {
    this.head = this.tail = null;
    this.length = 0;
  }

  /** Iterate from head to tail. The current node may be removed during iteration. */
  *[Symbol.iterator](): IterableIterator<T> {
    let n = this.head;
    while (n !== null) {
      const next: T | null = n.next;
      yield n;
      n = next;
    }
  }
}
