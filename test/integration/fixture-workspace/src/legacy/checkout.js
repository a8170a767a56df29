// @ts-check
// The checkout flow from before the TypeScript port; still type-checked through JSDoc.

/**
 * @param {{ total(): number }} cart
 * @param {string} currency
 * @returns {string}
 */
export function receiptLine(cart, currency) {
  /** @type {number} */
  let cents = cart.total();
  cents = `${cents / 100} ${currency}`; // deliberate type error: a string assigned to a number
  return String(cents);
}
