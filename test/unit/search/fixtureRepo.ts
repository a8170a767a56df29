import { SAMPLE_FILES } from '../../helpers/workspace';

/** A small repository with known answers for the retrieval tests (written to a temp dir and indexed). */
export const FIXTURE_FILES: Record<string, string> = {
  'shop/__init__.py': 'from .cart import Cart\n',
  'shop/cart.py': `"""Shopping cart."""
from .pricing import compute_tax


class Cart:
    """Items a customer is about to buy."""

    def __init__(self):
        self.items = []

    def add_item(self, sku, quantity=1):
        """Adds an item to the cart."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self.items.append((sku, quantity))

    def total(self, prices):
        return sum(prices[sku] * q for sku, q in self.items)


def apply_discount(cart, prices, percent):
    """Applies a percentage discount to the cart total."""
    total = cart.total(prices)
    return total - total * percent / 100
`,
  'shop/pricing.py': `"""Prices and taxes."""

TAX_RATES = {"eu": 0.2, "us": 0.07}


def compute_tax(amount, region):
    """Computes the tax due on an amount for a region."""
    rate = TAX_RATES[region]
    return amount * rate


class PriceTable:
    def __init__(self, rows):
        self.rows = dict(rows)

    def lookup(self, sku):
        return self.rows[sku]
`,
  'shop/db/models.py': `"""A tiny ORM."""


class QuerySet:
    def __init__(self, model):
        self.model = model

    def filter(self, **kwargs):
        return [o for o in self.model.objects if all(getattr(o, k) == v for k, v in kwargs.items())]

    def bulk_create(self, objs, batch_size=None):
        """Inserts many objects at once."""
        for i in range(0, len(objs), batch_size or len(objs)):
            self.model.objects.extend(objs[i:i + (batch_size or len(objs))])
        return objs
`,
  'shop/http/client.ts': SAMPLE_FILES['src/http/client.ts'],
  'tests/test_cart.py': `from shop.cart import Cart, apply_discount


def test_apply_discount_to_cart_total():
    cart = Cart()
    cart.add_item("a", 2)
    # apply discount to the cart total: discount the total, total after discount
    assert apply_discount(cart, {"a": 10}, 50) == 10


def test_cart_total_discount():
    cart = Cart()
    cart.add_item("b")
    assert apply_discount(cart, {"b": 4}, 25) == 3
`,
  'docs/cart.md': '# Cart\n\nThe cart total can get a discount: apply discount to the cart total with apply_discount.\n',
};
