#!/usr/bin/env python3
"""Parquet fixture for fitpool's parquet reader (`src/data/parquet.rs`).

Usage: /opt/skl/bin/python scripts/make_parquet_fixture.py

Writes, from one seeded pandas DataFrame of 200 rows:
  tests/fixtures/data/mixed.parquet        df.to_parquet(index=False): pyarrow's defaults
                                           (snappy, dictionary encoding on)
  tests/fixtures/data/mixed_plain.parquet  the same without dictionary encoding, v2 data
                                           pages, row groups of 64 rows
  tests/fixtures/data/mixed.csv            df.to_csv(index=False), for the CSV reader
  tests/fixtures/data/mixed_expected.json  every column's expected values: numeric lists
                                           with null for NaN/missing, or strings with null
                                           for missing; plus each column's parquet
                                           physical/logical type, for the record
  tests/fixtures/data/widths.parquet       3 rows (2 row groups) of every other integer
                                           width, float32, decimal(9, 2), a required column
  tests/fixtures/data/{date,timestamp,nested,zstd}.parquet
                                           the reader's unsupported-type errors
Columns of mixed.parquet: int_nullable (pandas Int64 with <NA>), float_nan (float64 with
NaN), flag (bool), text (str with None), cat (pandas category: a parquet dictionary column),
target (float64).
"""

import json
import os
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "data")
N = 200


def main():
    rng = np.random.default_rng(11)
    ints = pd.array(rng.integers(-1000, 1000, N), dtype="Int64")
    ints[rng.random(N) < 0.15] = pd.NA
    floats = rng.normal(0.0, 10.0, N)
    floats[rng.random(N) < 0.1] = np.nan
    flag = rng.random(N) < 0.4
    words = np.array(["alpha", "beta", "gamma", "délta", "ε"], dtype=object)
    text = words[rng.integers(0, len(words), N)].astype(object)
    text[rng.random(N) < 0.1] = None
    cat = pd.Categorical(
        rng.choice(["red", "green", "blue"], N), categories=["red", "green", "blue", "unused"]
    )
    cat[rng.random(N) < 0.1] = np.nan
    target = 3.0 * flag + np.nan_to_num(floats) * 0.5 + rng.normal(0, 1, N)
    df = pd.DataFrame(
        {
            "int_nullable": ints,
            "float_nan": floats,
            "flag": flag,
            "text": pd.Series(text, dtype=object),
            "cat": cat,
            "target": target,
        }
    )
    os.makedirs(OUT, exist_ok=True)
    pq_path = os.path.join(OUT, "mixed.parquet")
    df.to_parquet(pq_path, index=False)
    df.to_csv(os.path.join(OUT, "mixed.csv"), index=False)
    # The same table without dictionaries, in v2 data pages, in row groups of 64 rows: the
    # other encodings a pyarrow file can have (pyarrow falls back to plain strings when a
    # dictionary grows past 1 MiB).
    df.to_parquet(
        os.path.join(OUT, "mixed_plain.parquet"),
        index=False,
        use_dictionary=False,
        data_page_version="2.0",
        row_group_size=64,
    )

    def num(col):
        return [None if pd.isna(v) else float(v) for v in col]

    def strs(col):
        return [None if pd.isna(v) else str(v) for v in col]

    meta = pq.ParquetFile(pq_path)
    schema = meta.schema
    expected = {
        "generator": "scripts/make_parquet_fixture.py",
        "pyarrow": pa.__version__,
        "pandas": pd.__version__,
        "compression": meta.metadata.row_group(0).column(0).compression,
        "n_rows": N,
        "columns": [],
    }
    kinds = {
        "int_nullable": ("numeric", num(df["int_nullable"])),
        "float_nan": ("numeric", num(df["float_nan"])),
        "flag": ("categorical", ["True" if v else "False" for v in df["flag"]]),
        "text": ("categorical", strs(df["text"])),
        "cat": ("categorical", strs(df["cat"])),
        "target": ("numeric", num(df["target"])),
    }
    for i, name in enumerate(df.columns):
        kind, values = kinds[name]
        col = schema.column(i)
        expected["columns"].append(
            {
                "name": name,
                "kind": kind,
                "physical_type": col.physical_type,
                "logical_type": str(col.logical_type),
                "values": values,
            }
        )
    with open(os.path.join(OUT, "mixed_expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    # Other widths and types, small tables written by pyarrow directly.
    import datetime
    import decimal

    widths = pa.table(
        {
            "i8": pa.array([-128, None, 127], pa.int8()),
            "i16": pa.array([-32768, 0, 32767], pa.int16()),
            "i32": pa.array([-(2**31), None, 2**31 - 1], pa.int32()),
            "u8": pa.array([0, None, 255], pa.uint8()),
            "u16": pa.array([0, 1, 65535], pa.uint16()),
            "u32": pa.array([0, None, 2**32 - 1], pa.uint32()),
            "u64": pa.array([0, 1, 2**64 - 1], pa.uint64()),
            "f32": pa.array([1.5, None, -0.25], pa.float32()),
            "dec": pa.array(
                [decimal.Decimal("1.25"), None, decimal.Decimal("-3.50")], pa.decimal128(9, 2)
            ),
            "req": pa.array([1.0, 2.0, 3.0], pa.float64()),
        },
        schema=pa.schema(
            [
                ("i8", pa.int8()),
                ("i16", pa.int16()),
                ("i32", pa.int32()),
                ("u8", pa.uint8()),
                ("u16", pa.uint16()),
                ("u32", pa.uint32()),
                ("u64", pa.uint64()),
                ("f32", pa.float32()),
                ("dec", pa.decimal128(9, 2)),
                pa.field("req", pa.float64(), nullable=False),
            ]
        ),
    )
    # Two row groups, to read across them.
    pq.write_table(widths, os.path.join(OUT, "widths.parquet"), row_group_size=2)
    # pandas' all-None object column is arrow's null type: parquet INT32 of logical type
    # Unknown, all nulls.
    pd.DataFrame({"x": [1.0, 2.0], "nothing": [None, None]}).to_parquet(
        os.path.join(OUT, "null_column.parquet"), index=False
    )
    date = pa.table(
        {"x": pa.array([1.0, 2.0]), "day": pa.array([datetime.date(2020, 1, 1), None])}
    )
    pq.write_table(date, os.path.join(OUT, "date.parquet"))
    ts = pa.table(
        {"when": pa.array([datetime.datetime(2020, 1, 1, 12), None], pa.timestamp("us"))}
    )
    pq.write_table(ts, os.path.join(OUT, "timestamp.parquet"))
    nested = pa.table({"x": pa.array([1.0, 2.0]), "l": pa.array([[1, 2], None])})
    pq.write_table(nested, os.path.join(OUT, "nested.parquet"))
    # zstd: a codec this build does not read.
    pq.write_table(pa.table({"x": pa.array([1.0, 2.0])}), os.path.join(OUT, "zstd.parquet"),
                   compression="zstd")
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
