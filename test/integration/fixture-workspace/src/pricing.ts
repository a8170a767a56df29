/** Discounts and tax for the storefront. Amounts are in cents. */

export const TAX_RATE = 0.2;

export interface Discount {
  code: string;
  percent: number;
}

/** Returns the amount after the discount, never below zero. */
export function applyDiscount(amount: number, discount: Discount | undefined): number {
  if (!discount) return amount;
  const reduced = Math.round(amount * (1 - discount.percent / 100));
  return Math.max(0, reduced);
}

/** Adds value-added tax to an amount. */
export function withTax(amount: number, rate: number = TAX_RATE): number {
  return Math.round(amount * (1 + rate));
}
