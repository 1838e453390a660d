#!/usr/bin/env python3
"""prepare.py OUT_DIR: the cars dataset (Debian's python3-vega-datasets) as
train.csv and test.csv for examples/cars_huber.

Inputs (9): cylinders, displacement, horsepower, weight, acceleration, model
year, each standardized with the training rows' mean and deviation, then the
origin one-hot (USA, Europe, Japan). Target: miles per gallon, as it is.
Rows without MPG or horsepower (14 of 406) are dropped; every fifth of the
rest (by position) is the test set: 313 training rows, 79 test rows. Stdlib
only.
"""
import json, os, statistics, sys

SRC = "/usr/lib/python3/dist-packages/vega_datasets/_data/cars.json"
NUMERIC = ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year"]
ORIGINS = ["USA", "Europe", "Japan"]


def main(out):
    rows = [r for r in json.load(open(SRC))
            if r["Miles_per_Gallon"] is not None and r["Horsepower"] is not None]
    for r in rows:
        r["Year"] = int(r["Year"][:4])
    test = [r for i, r in enumerate(rows) if i % 5 == 4]
    train = [r for i, r in enumerate(rows) if i % 5 != 4]
    stats = {k: (statistics.mean(r[k] for r in train), statistics.pstdev(r[k] for r in train))
             for k in NUMERIC}
    os.makedirs(out, exist_ok=True)
    for name, part in (("train", train), ("test", test)):
        with open(os.path.join(out, f"{name}.csv"), "w") as f:
            f.write(",".join([k.lower() for k in NUMERIC] + [o.lower() for o in ORIGINS] + ["mpg"]) + "\n")
            for r in part:
                values = [(r[k] - stats[k][0]) / stats[k][1] for k in NUMERIC]
                values += [1.0 if r["Origin"] == o else 0.0 for o in ORIGINS]
                values.append(float(r["Miles_per_Gallon"]))
                f.write(",".join(f"{v:.6g}" for v in values) + "\n")
    print(f"{out}: {len(train)} training rows, {len(test)} test rows")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
