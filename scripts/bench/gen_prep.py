#!/usr/bin/env python3
"""Seeded generator of the prep benchmark's table (issue 11).

Usage: gen_prep.py OUT.csv [ROWS]   (default 1,000,000 rows)

6 numeric columns (x0..x5; x1 and x4 with ~5 % holes, x2 integer), 4 text columns (c_color:
4 levels, c_size: 6 levels with ~3 % holes, c_city: 40 levels with ~2 % holes, c_code: 200
levels) and the target y. Written in chunks with numpy only (no pandas), so it is fast and
its output depends only on the seed.
"""

import sys

import numpy as np


def main():
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    rng = np.random.RandomState(2024)
    colors = np.array(["red", "green", "blue", "black"])
    sizes = np.array(["XS", "S", "M", "L", "XL", "XXL"])
    cities = np.array(["city%02d" % i for i in range(40)])
    codes = np.array(["K%03d" % i for i in range(200)])
    chunk = 100_000
    with open(out, "w") as f:
        f.write("x0,x1,x2,x3,x4,x5,c_color,c_size,c_city,c_code,y\n")
        done = 0
        while done < rows:
            n = min(chunk, rows - done)
            x = rng.randn(n, 6) * np.array([1.0, 10.0, 1.0, 0.1, 100.0, 3.0]) + np.array([0, 50, 0, 1, 500, -2])
            x[:, 2] = rng.randint(-100, 1000, n)
            y = x @ np.array([1.0, 0.2, 0.01, 3.0, 0.004, -0.5]) + rng.randn(n)
            col = colors[rng.randint(0, 4, n)]
            size = sizes[rng.randint(0, 6, n)]
            city = cities[rng.randint(0, 40, n)]
            code = codes[rng.randint(0, 200, n)]
            hole1 = rng.rand(n) < 0.05
            hole4 = rng.rand(n) < 0.05
            hole_size = rng.rand(n) < 0.03
            hole_city = rng.rand(n) < 0.02
            lines = []
            for i in range(n):
                lines.append(
                    "%.6f,%s,%d,%.6f,%s,%.6f,%s,%s,%s,%s,%.6f"
                    % (
                        x[i, 0],
                        "" if hole1[i] else "%.5f" % x[i, 1],
                        x[i, 2],
                        x[i, 3],
                        "" if hole4[i] else "%.4f" % x[i, 4],
                        x[i, 5],
                        col[i],
                        "" if hole_size[i] else size[i],
                        "" if hole_city[i] else city[i],
                        code[i],
                        y[i],
                    )
                )
            f.write("\n".join(lines))
            f.write("\n")
            done += n


if __name__ == "__main__":
    main()
