import unittest

from scripts.util import Sale, revenue, top_sellers


class UtilTest(unittest.TestCase):
    def test_revenue(self):
        self.assertEqual(revenue([Sale("a", 2, 150), Sale("b", 1, 99)]), 399)

    def test_top_sellers(self):
        sales = [Sale("a", 1, 1), Sale("b", 5, 1), Sale("a", 1, 1), Sale("c", 2, 1)]
        self.assertEqual(top_sellers(sales, 2), ["b", "a"])


if __name__ == "__main__":
    unittest.main()
