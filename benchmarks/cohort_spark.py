"""The cohort pipeline on Spark: the same SQL statements and Python steps as `nutri cohort`, compared with
the DuckDB run on the same input.

    pip install pyspark                      # not a dependency of nutri; Java 17 on the PATH
    python benchmarks/cohort_spark.py [--rows 1000000] [--master local[2]]

``nutri.cohort.run.run`` takes any connection that runs its SQL. ``SparkEngine`` below gives a Spark
session that shape: ``CREATE TEMP TABLE/VIEW x AS q`` becomes a (cached) temporary view of ``q``,
``read_parquet('f')`` the file itself, ``register`` a DataFrame from pandas (NaN as NULL, as DuckDB reads
it), ``execute(q).df()`` ``toPandas()``. Every statement is the package's own (nutri/cohort/days.py,
sources.py, verdicts.py); only identifier quoting differs ("x" in DuckDB, `x` in Spark).

On a cluster: start the same script with ``spark-submit --master spark://HOST:7077`` (or ``yarn``,
``k8s://...``) or pass ``--master``; put the input on storage every executor reads (HDFS, S3 with
``s3a://``) and give its path. The per-key matching runs once on the driver, as in the DuckDB run (it
is per distinct key, not per row); the joins and aggregations over rows run on the executors.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CREATE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?TEMP\s+(TABLE|VIEW)\s+(\w+)\s+AS\s+(.*)$", re.S | re.I)
DROP = re.compile(r"^\s*DROP\s+(?:TABLE|VIEW)\s+(\w+)\s*$", re.I)


class _Result:
    def __init__(self, frame) -> None:
        self._frame = frame

    def df(self) -> pd.DataFrame:
        return self._frame.toPandas() if self._frame is not None else pd.DataFrame()

    def fetchall(self) -> list[tuple]:
        return [tuple(row) for row in self._frame.collect()] if self._frame is not None else []


class SparkEngine:
    """What nutri.cohort asks of its engine connection, on a Spark session."""

    def __init__(self, spark) -> None:
        self.spark = spark
        self.cached = []

    @staticmethod
    def _dialect(sql: str) -> str:
        sql = re.sub(r"read_parquet\('((?:[^']|'')*)'\)", lambda m: f"parquet.`{m.group(1)}`", sql)
        sql = re.sub(r"\bfsum\(", "sum(", sql)  # DuckDB's compensated sum; Spark's SUM (compared within 1e-9)
        return re.sub(r'CAST\("((?:[^"]|"")*)" AS STRING\)', lambda m: f"CAST(`{m.group(1)}` AS STRING)", sql)

    def execute(self, sql: str) -> _Result:
        sql = self._dialect(sql)
        created = CREATE.match(sql)
        if created:
            kind, name, query = created.groups()
            frame = self.spark.sql(query)
            if kind.upper() == "TABLE":  # a table is computed once, as in DuckDB
                frame = frame.persist()
                self.cached.append(frame)
            frame.createOrReplaceTempView(name)
            return _Result(None)
        if DROP.match(sql):
            # kept: Spark's dropTempView also uncaches the view, and every cached table computed from it
            # would then be computed again from the input (the pipeline drops its row tables once the
            # person-days are made); the session's caches go at close
            return _Result(None)
        return _Result(self.spark.sql(sql))

    def register(self, name: str, frame: pd.DataFrame) -> None:
        from pyspark.sql import types as T

        fields, columns = [], {}
        for column in frame.columns:
            values = frame[column]
            if pd.api.types.is_bool_dtype(values.dtype):
                kind, data = T.BooleanType(), [bool(v) for v in values]
            elif pd.api.types.is_integer_dtype(values.dtype):
                kind, data = T.LongType(), [int(v) for v in values]
            elif pd.api.types.is_float_dtype(values.dtype):
                kind, data = T.DoubleType(), [None if math.isnan(v) else float(v) for v in values]
            else:
                kind, data = T.StringType(), [None if v is None or v != v else str(v) for v in values]
            fields.append(T.StructField(str(column), kind, True))
            columns[column] = data
        rows = list(zip(*columns.values(), strict=True)) if columns else []
        self.spark.createDataFrame(rows, T.StructType(fields)).createOrReplaceTempView(name)

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)

    def close(self) -> None:
        for frame in self.cached:
            frame.unpersist()


def _differences(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> tuple[int, int, float]:
    """(cells compared, cells that differ, largest relative difference of numbers)."""
    a = a.sort_values(keys).reset_index(drop=True)
    b = b.sort_values(keys).reset_index(drop=True)[a.columns]
    assert len(a) == len(b), (len(a), len(b))
    cells, differ, worst = 0, 0, 0.0
    for column in a.columns:
        x, y = a[column], b[column]
        cells += len(x)
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y) and x.dtype != bool:
            x, y = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
            both_nan = np.isnan(x) & np.isnan(y)
            with np.errstate(invalid="ignore", divide="ignore"):
                relative = np.where(both_nan | (x == y), 0.0, np.abs(x - y) / np.maximum(np.abs(x), np.abs(y)))
            relative = np.nan_to_num(relative, nan=1.0)
            differ += int((relative > 1e-9).sum())
            worst = max(worst, float(relative.max()) if len(relative) else 0.0)
        else:
            differ += int((x.astype(str).to_numpy() != y.astype(str).to_numpy()).sum())
    return cells, differ, worst


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    from pyspark.sql import SparkSession
    from run import generate_scale

    from nutri.cohort import CohortSettings, run_cohort

    path, profiles = args.out / f"cohort-scale-{args.rows}.parquet", args.out / f"profiles-scale-{args.rows}.csv"
    if not path.exists() or not profiles.exists():
        generate_scale(args.out, args.rows)
    settings = CohortSettings(profiles=profiles)
    t0 = time.perf_counter()
    duck = run_cohort([str(path)], settings)
    duck_seconds = time.perf_counter() - t0
    spark = (
        SparkSession.builder.master(args.master)
        .appName("nutri-cohort")
        .config("spark.driver.memory", "3g")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")  # pyarrow is not needed
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    engine = SparkEngine(spark)
    t0 = time.perf_counter()
    sparked = run_cohort([str(path)], settings, connection=engine)
    spark_seconds = time.perf_counter() - t0
    print(f"input: {path.relative_to(ROOT)} ({sparked.stats['rows']:,} rows, {sparked.stats['people']:,} people)")
    print(f"DuckDB {duck_seconds:.1f} s; Spark ({args.master}, {spark.version}) {spark_seconds:.1f} s")
    for name, keys in (
        ("person_weeks", ["person", "week"]),
        ("people", ["person"]),
        ("person_days", ["person", "date"]),
    ):
        cells, differ, worst = _differences(getattr(duck, name), getattr(sparked, name), keys)
        print(f"{name}: {cells:,} cells, {differ} differ (largest relative difference {worst:.2g})")
    same = duck.summary == sparked.summary
    print(f"summary: {'identical' if same else 'DIFFERENT'} ({len(duck.summary['groups'])} groups)")
    engine.close()
    spark.stop()


if __name__ == "__main__":
    main()
