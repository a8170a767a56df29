/** Stock levels per SKU. */
export class Inventory {
  private readonly stock = new Map<string, number>();

  restock(sku: string, count: number): void {
    this.stock.set(sku, (this.stock.get(sku) ?? 0) + count);
  }

  available(sku: string): number {
    return this.stock.get(sku) ?? 0;
  }

  /** Takes `count` items out of stock; throws when there are not enough. */
  reserve(sku: string, count: number): void {
    const have = this.available(sku);
    if (have < count) throw new Error(`only ${have} of ${sku} in stock`);
    this.stock.set(sku, have - count);
  }
}
