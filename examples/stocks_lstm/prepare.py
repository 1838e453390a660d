"""Writes one symbol's monthly closing prices from python3-vega-datasets'
stocks.csv (Jan 2000 - Mar 2010) as DIR/<symbol>.csv with a header
"date,price", in date order, and prints the naive forecast's test RMSE
("next = last value") on the test windows `train --series price` makes.

Usage: prepare.py DIR [SYMBOL]   (default IBM)
"""
import csv, math, os, sys

SRC = "/usr/lib/python3/dist-packages/vega_datasets/_data/stocks.csv"
WINDOW = 30


def main():
    out, symbol = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "IBM"
    os.makedirs(out, exist_ok=True)
    rows = [r for r in csv.DictReader(open(SRC)) if r["symbol"] == symbol]
    if not rows:
        sys.exit(f"prepare.py: no rows for symbol {symbol} in {SRC}")
    with open(os.path.join(out, f"{symbol.lower()}.csv"), "w") as f:
        f.write("date,price\n")
        for r in rows:
            f.write(f"{r['date']},{r['price']}\n")
    # The test windows of kiln's --series: targets at positions >= the 80% cut.
    prices = [float(r["price"]) for r in rows]
    cut = len(prices) * 8 // 10
    errors = [prices[i + WINDOW] - prices[i + WINDOW - 1]
              for i in range(len(prices) - WINDOW) if i + WINDOW >= cut]
    rmse = math.sqrt(sum(e * e for e in errors) / len(errors))
    mae = sum(abs(e) for e in errors) / len(errors)
    print(f"{symbol}: {len(prices)} months, {len(errors)} test windows; "
          f"naive 'next = last' test rmse {rmse:.4f} mae {mae:.4f}")


if __name__ == "__main__":
    main()
