import { Inventory } from './inventory';
import { applyDiscount, withTax, type Discount } from './pricing';

export interface LineItem {
  sku: string;
  unitPrice: number;
  quantity: number;
}

/** A shopping cart that reserves stock as items are added. */
export class Cart {
  private readonly items: LineItem[] = [];
  private discount: Discount | undefined;

  constructor(private readonly inventory: Inventory) {}

  add(item: LineItem): void {
    this.inventory.reserve(item.sku, item.quantity);
    this.items.push(item);
  }

  useDiscount(discount: Discount): void {
    this.discount = discount;
  }

  subtotal(): number {
    return this.items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
  }

  /** The amount to charge: subtotal, minus the discount, plus tax. */
  total(): number {
    return withTax(applyDiscount(this.subtotal(), this.discount));
  }
}
