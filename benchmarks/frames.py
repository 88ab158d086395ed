"""Encode a 1,000,000-row frame (time + float64) to Arrow IPC from numpy, pandas and Python lists.

Each path is timed against raw pyarrow doing the same work in the same run (`pa.table` + `ipc.new_file` +
`to_pybytes`). Goals: numpy and pandas <= 1.3x raw pyarrow and zero-copy; lists <= 1.2x `pa.array(list)`.

Run: python benchmarks/frames.py [rows]
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from gpctl.sdk.data import Field, Frame


def paired_ms(ours: Callable[[], Any], raw: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median ms of each, alternating the two so that machine load affects both alike."""
    ours(), raw()  # warm-up
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        for fn, samples in ((ours, a), (raw, b)):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def raw_ipc(table: Any) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    start_ns = 1_700_000_000 * 10**9
    times = (start_ns + np.arange(rows, dtype=np.int64) * 10**9).view("datetime64[ns]")
    values = np.random.default_rng(1).standard_normal(rows)
    df = pd.DataFrame({"time": times, "value": values})
    epoch = dt.datetime(1970, 1, 1)
    time_list = [epoch + dt.timedelta(microseconds=int(t) // 1000) for t in times.view(np.int64)]
    value_list = values.tolist()

    def raw_numpy() -> bytes:
        return raw_ipc(pa.table({"time": pa.array(times), "value": pa.array(values)}))

    def ours_numpy() -> bytes:
        return Frame("f", Field("time", times), Field("value", values)).to_arrow()

    def raw_pandas() -> bytes:
        return raw_ipc(pa.Table.from_pandas(df, preserve_index=False))

    def ours_pandas() -> bytes:
        return Frame.from_pandas(df, "f").to_arrow()

    def raw_lists() -> bytes:
        return raw_ipc(pa.table({"time": pa.array(time_list), "value": pa.array(value_list)}))

    def ours_lists() -> bytes:
        return Frame("f", Field("time", time_list), Field("value", value_list)).to_arrow()

    assert Frame.from_arrow_bytes(ours_numpy()).field("value").to_numpy()[:3].tolist() == values[:3].tolist()
    assert np.shares_memory(Field("value", values).to_arrow().to_numpy(), values)
    assert np.shares_memory(Field("time", times).to_arrow().to_numpy(), times)

    print(f"frame of {rows:,} rows (time + float64), median ms")
    print(f"{'input':<8} {'gpctl':>9} {'raw pyarrow':>12} {'ratio':>7} {'goal':>6}")
    for label, ours, raw, runs, goal in (
        ("numpy", ours_numpy, raw_numpy, 21, 1.3),
        ("pandas", ours_pandas, raw_pandas, 21, 1.3),
        ("lists", ours_lists, raw_lists, 7, 1.2),
    ):
        a, b = paired_ms(ours, raw, runs)
        verdict = "ok" if a / b <= goal else "MISSED"
        print(f"{label:<8} {a:9.2f} {b:12.2f} {a / b:7.2f} {goal:>5}x {verdict}")
    size = len(ours_numpy())
    print(f"IPC file size: {size:,} bytes")


if __name__ == "__main__":
    main()
