/** Small containers that keep the local queue O(log n) per message at 100k+ messages. */

/** First in, first out; amortised O(1) push and shift. */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** Binary min-heap on a numeric key; ties leave in insertion order. */
export class MinHeap<T> {
  private readonly nodes: { key: number; seq: number; item: T }[] = [];
  private seq = 0;

  get size(): number {
    return this.nodes.length;
  }

  peekKey(): number | undefined {
    return this.nodes[0]?.key;
  }

  push(key: number, item: T): void {
    const nodes = this.nodes;
    nodes.push({ key, seq: this.seq++, item });
    let i = nodes.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): T | undefined {
    const nodes = this.nodes;
    const top = nodes[0];
    const last = nodes.pop();
    if (top === undefined || last === undefined) return undefined;
    if (nodes.length > 0) {
      nodes[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < nodes.length && this.less(left, smallest)) smallest = left;
        if (right < nodes.length && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.swap(i, smallest);
        i = smallest;
      }
    }
    return top.item;
  }

  private less(a: number, b: number): boolean {
    const x = this.nodes[a];
    const y = this.nodes[b];
    if (x === undefined || y === undefined) return false;
    return x.key < y.key || (x.key === y.key && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const x = this.nodes[a];
    const y = this.nodes[b];
    if (x === undefined || y === undefined) return;
    this.nodes[a] = y;
    this.nodes[b] = x;
  }
}
