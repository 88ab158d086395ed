"""numpy is optional for frames, and pyarrow's pandas probe never imports pandas behind the plugin's back.

Each test runs a fresh interpreter: what is imported depends on the whole process.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from frames_golden import GOLDEN_ARROW, golden_frame

from gpctl.sdk.data import Frame
from gpctl.sdk.data._pandas_probe import _RefusePandas

HERE = Path(__file__).parent


def _run(code: str) -> dict[str, object]:
    """Run `code` in a new interpreter (tests/sdk/data on sys.path); it prints one JSON object last."""
    out = subprocess.run(
        [sys.executable, "-c", f"import sys\nsys.path.insert(0, {str(HERE)!r})\n{code}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


WITHOUT_NUMPY = """
sys.modules["numpy"] = None  # as if numpy were not installed
import base64, json
import pyarrow as pa
from frames_golden import GOLDEN_ARROW, golden_frame
from gpctl.sdk.data import Field, Frame, encode_frames

built = golden_frame(use_numpy=False)
decoded = Frame.from_arrow_bytes(GOLDEN_ARROW.read_bytes())
extra = Frame("x", Field("p", pa.chunked_array([[1, 2], [3]])), Field("s", ["a", "b", "a"], type="enum"))
again = Frame.from_json(extra.to_json())
print(json.dumps({
    "arrow": base64.b64encode(built.to_arrow()).decode(),
    "json": built.to_json().decode(),
    "wire": [base64.b64encode(b).decode() for b in encode_frames([extra], "json", ref_id="A")],
    "equal": [built == decoded, again == extra, Frame.from_arrow_bytes(extra.to_arrow()) == extra],
    "loaded": sorted(m for m in ("numpy", "pandas") if sys.modules.get(m) is not None),
}))
"""


def test_frames_build_and_encode_without_numpy_byte_for_byte() -> None:
    result = _run(WITHOUT_NUMPY)
    with_numpy = golden_frame()
    assert base64.b64decode(str(result["arrow"])) == with_numpy.to_arrow()
    assert result["json"] == with_numpy.to_json().decode()
    assert Frame.from_arrow_bytes(base64.b64decode(str(result["arrow"]))) == Frame.from_arrow_bytes(
        GOLDEN_ARROW.read_bytes()
    )
    assert json.loads(base64.b64decode(result["wire"][0])) == {  # type: ignore[index]
        "schema": {
            "name": "x",
            "refId": "A",
            "fields": [
                {"name": "p", "type": "number", "typeInfo": {"frame": "int64"}},
                {
                    "name": "s",
                    "type": "enum",
                    "typeInfo": {"frame": "enum"},
                    "config": {"type": {"enum": {"text": ["a", "b"]}}},
                },
            ],
        },
        "data": {"values": [[1, 2, 3], [0, 1, 0]]},
    }
    assert result["equal"] == [True, True, True]
    assert result["loaded"] == []


def test_a_plugin_serves_frames_without_numpy() -> None:
    code = """
sys.modules["numpy"] = None
import json
from gpctl.sdk import Datasource, Field, Frame
from gpctl.sdk.testing import PluginClient

ds = Datasource("acme-nonumpy-datasource")

@ds.query()
def numbers(query, ctx):
    return Frame("numbers", Field("n", [1, 2, 3]), Field("v", [0.5, None, 1.5]))

with PluginClient(ds) as client:
    [frame] = client.query("", {})["A"].frames
print(json.dumps({"values": [f.values for f in frame.fields], "numpy": sys.modules.get("numpy") is not None}))
"""
    assert _run(code) == {"values": [[1, 2, 3], [0.5, None, 1.5]], "numpy": False}


PANDAS_CHECKS = """
import pyarrow as pa
import pandas as pd
series = pd.Series(pd.Categorical(["x", "y", "x"]))
df = pd.DataFrame({"t": pd.to_datetime(["2024-01-01", "2024-01-02"]).tz_localize("UTC"), "v": pd.array([1, None], "Int64")})
frame = Frame.from_pandas(df, "df")
checks = {
    "field": Field("c", series, type="enum").values,
    "nullable": frame.field("v").nullable,
    "time": str(frame.field("t").values[0]),
    "pyarrow_direct": pa.types.is_dictionary(pa.array(series).type),
    "round_trip": frame.to_pandas()["v"].tolist() == [1, pd.NA],
    "object_na": Field("o", pd.Series(["a", pd.NA, None, float("nan")], dtype=object)).values,
    "object_nat": Field("o", pd.Series([pd.Timestamp(0, tz="UTC"), pd.NaT], dtype=object)).to_arrow().cast("int64").to_pylist(),
}
"""


def test_pyarrow_probe_does_not_import_pandas_and_pandas_still_works_afterwards() -> None:
    code = f"""
import json
from gpctl.sdk.data import Field, Frame
Frame("x", Field("a", [1.0, None]), Field("t", [0, None], type="time"), Field("b", ["s", None])).to_json()
untouched = "pandas" not in sys.modules
{PANDAS_CHECKS}
print(json.dumps({{"untouched": untouched, **checks}}))
"""
    assert _run(code) == {
        "untouched": True,
        "field": [0, 1, 0],
        "nullable": True,
        "time": "2024-01-01 00:00:00+00:00",
        "pyarrow_direct": True,
        "round_trip": True,
        "object_na": ["a", None, None, None],
        "object_nat": [0, None],
    }


def test_pandas_imported_first_is_used_as_usual() -> None:
    code = f"""
import json
import pandas
from gpctl.sdk.data import Field, Frame
Frame("x", Field("a", [1.0, None])).to_arrow()
{PANDAS_CHECKS}
print(json.dumps({{"have_pandas": pa.lib._pandas_api.have_pandas, **checks}}))
"""
    assert _run(code) == {
        "have_pandas": True,
        "field": [0, 1, 0],
        "nullable": True,
        "time": "2024-01-01 00:00:00+00:00",
        "pyarrow_direct": True,
        "round_trip": True,
        "object_na": ["a", None, None, None],
        "object_nat": [0, None],
    }


def test_frames_work_when_pandas_cannot_be_imported() -> None:
    code = """
sys.modules["pandas"] = None
import json
from gpctl.sdk.data import Field, Frame
frame = Frame("x", Field("a", [1.0, None]), Field("b", ["s", None]))
print(json.dumps({"rows": Frame.from_arrow_bytes(frame.to_arrow()).rows}))
"""
    assert _run(code) == {"rows": 2}


def test_the_refusal_applies_to_the_probing_thread_only() -> None:
    refuse = _RefusePandas()
    with pytest.raises(ModuleNotFoundError) as info:
        refuse.find_spec("pandas")
    assert str(info.value) == "pandas is not imported by the plugin."
    assert refuse.find_spec("pandas.core") is None
    others: list[object] = []
    thread = threading.Thread(target=lambda: others.append(refuse.find_spec("pandas")))
    thread.start()
    thread.join()
    assert others == [None]
