"""Prints the nightly sales report from a CSV of sku,quantity,unit_price rows."""
import csv
import sys

from util import Sale, revenue, top_sellers


def load(path: str) -> list[Sale]:
    with open(path, newline="") as f:
        return [Sale(row[0], int(row[1]), int(row[2])) for row in csv.reader(f)]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: report.py SALES.csv", file=sys.stderr)
        return 2
    sales = load(argv[1])
    print(f"revenue: {revenue(sales) / 100:.2f}")
    print("top sellers: " + ", ".join(top_sellers(sales)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
