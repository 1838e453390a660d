#!/usr/bin/env python3
"""prepare.py OUT_DIR: will it rain in Seattle tomorrow? The seattle-weather
dataset (Debian's python3-vega-datasets, 2012-2015) as train.csv and
test.csv for examples/seattle_rain.

Inputs (14): precipitation, maximum and minimum temperature and wind of the
last three days (today first; standardized with the training rows' mean and
deviation), and the day of the year as sin and cos. Target: 1 when
tomorrow's precipitation is above 0, else 0. Training: the days of 2012-2014;
test: those of 2015. Stdlib only.
"""
import csv, math, os, statistics, sys
from datetime import date

SRC = "/usr/lib/python3/dist-packages/vega_datasets/_data/seattle-weather.csv"
FIELDS = ["precipitation", "temp_max", "temp_min", "wind"]
DAYS = 3


def main(out):
    days = list(csv.DictReader(open(SRC)))
    samples = []  # (year, features, target)
    for t in range(DAYS - 1, len(days) - 1):
        y, m, d = map(int, days[t]["date"].split("/"))
        raw = [float(days[t - k][f]) for k in range(DAYS) for f in FIELDS]
        angle = 2 * math.pi * (date(y, m, d).timetuple().tm_yday - 1) / 365.25
        target = 1.0 if float(days[t + 1]["precipitation"]) > 0 else 0.0
        samples.append((y, raw, [math.sin(angle), math.cos(angle)], target))
    train = [s for s in samples if s[0] < 2015]
    test = [s for s in samples if s[0] == 2015]
    columns = list(zip(*[s[1] for s in train]))
    stats = [(statistics.mean(c), statistics.pstdev(c)) for c in columns]
    os.makedirs(out, exist_ok=True)
    for name, part in (("train", train), ("test", test)):
        with open(os.path.join(out, f"{name}.csv"), "w") as f:
            head = [f"{fl}_{k}" for k in range(DAYS) for fl in FIELDS] + ["day_sin", "day_cos", "rain_tomorrow"]
            f.write(",".join(head) + "\n")
            for _, raw, season, target in part:
                values = [(v - m) / s for v, (m, s) in zip(raw, stats)] + season + [target]
                f.write(",".join(f"{v:.6g}" for v in values) + "\n")
    rate = sum(s[3] for s in test) / len(test)
    print(f"{out}: {len(train)} training days, {len(test)} test days ({rate:.1%} of them before rain)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
