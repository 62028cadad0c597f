// Waiting requests, one FIFO per tenant served round-robin: a tenant's backlog cannot starve another tenant.

export class FairQueue<T> {
  private readonly queues = new Map<string, T[]>();
  /** Tenants with waiting items, in turn order; `cursor` is the tenant whose turn it is. */
  private readonly order: string[] = [];
  private cursor = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(tenant: string, item: T): void {
    let q = this.queues.get(tenant);
    if (!q) {
      q = [];
      this.queues.set(tenant, q);
      // A new tenant waits for one full round at most: it joins at the end of the turn order.
      this.order.push(tenant);
    }
    q.push(item);
    this.count++;
  }

  /** The head item of the tenant whose turn it is. */
  peek(): T | undefined {
    const tenant = this.order[this.cursor];
    return tenant === undefined ? undefined : this.queues.get(tenant)![0];
  }

  /** Ends the current tenant's turn; `removeHead` drops its head item (fully served). */
  endTurn(removeHead: boolean): void {
    const tenant = this.order[this.cursor];
    if (tenant === undefined) return;
    const q = this.queues.get(tenant)!;
    if (removeHead && q.length > 0) {
      q.shift();
      this.count--;
    }
    if (q.length === 0) this.dropTenant(this.cursor);
    else this.cursor++;
    if (this.cursor >= this.order.length) this.cursor = 0;
  }

  /** Removes `item` wherever it waits (a canceled request); false when it is not queued. */
  remove(item: T): boolean {
    for (const [i, tenant] of this.order.entries()) {
      const q = this.queues.get(tenant)!;
      const at = q.indexOf(item);
      if (at < 0) continue;
      q.splice(at, 1);
      this.count--;
      if (q.length === 0) {
        this.dropTenant(i);
        if (i < this.cursor) this.cursor--;
        if (this.cursor >= this.order.length) this.cursor = 0;
      }
      return true;
    }
    return false;
  }

  *items(): IterableIterator<T> {
    for (const tenant of this.order) yield* this.queues.get(tenant)!;
  }

  private dropTenant(index: number): void {
    this.queues.delete(this.order[index]!);
    this.order.splice(index, 1);
  }
}
