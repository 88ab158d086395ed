"""Frame: a named table of fields, Grafana's unit of query data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from gpctl.sdk.data._errors import FrameError
from gpctl.sdk.data._field import Field

if TYPE_CHECKING:
    from gpctl.sdk.data._meta import FrameMeta

__all__ = ["Frame", "Include"]

Include = Literal["all", "data", "schema"]


class Frame:
    """A named set of equally long fields, plus an optional `ref_id` and `FrameMeta`.

    Field lengths are checked here: a mismatch raises `FrameError` naming each field and its length. Field names
    may repeat; order is kept.

    Example:
        frame = Frame("weather", Field("time", times), Field("temp", temps, labels={"city": "Oslo"}))
        payload = frame.to_arrow()
    """

    __slots__ = ("fields", "meta", "name", "ref_id")

    def __init__(
        self, name: str, *fields: Field, ref_id: str | None = None, meta: FrameMeta | None = None
    ) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Frame name must be a string, not `{name!r}`; pass the name first.")
        for item in fields:
            if not isinstance(item, Field):
                raise TypeError(f"Frame `{name}` takes Field objects, not `{type(item).__name__}`.")
        self.name = name
        self.fields: list[Field] = list(fields)
        self.ref_id = ref_id
        self.meta = meta
        self.check()

    def check(self) -> None:
        """Raise FrameError unless every field has the same length."""
        lengths = {len(f) for f in self.fields}
        if len(lengths) > 1:
            detail = ", ".join(f"`{f.name}` has {len(f)}" for f in self.fields)
            raise FrameError(
                f"Fields of frame `{self.name}` differ in length: {detail}; every field needs the same number of rows."
            )

    @property
    def rows(self) -> int:
        """The number of rows (0 for a frame without fields)."""
        return len(self.fields[0]) if self.fields else 0

    def field(self, key: str | int) -> Field:
        """Return the field at index `key`, or the first field named `key`.

        Raises:
            KeyError: no field has that name.
        """
        if isinstance(key, int):
            return self.fields[key]
        for item in self.fields:
            if item.name == key:
                return item
        names = ", ".join(f"`{f.name}`" for f in self.fields) or "none"
        raise KeyError(f"Frame `{self.name}` has no field `{key}`; fields: {names}.")

    def __repr__(self) -> str:
        return f"Frame({self.name!r}, {', '.join(repr(f) for f in self.fields)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Frame):
            return NotImplemented
        meta = None if self.meta is None else self.meta.to_dict()
        other_meta = None if other.meta is None else other.meta.to_dict()
        return (
            self.name == other.name
            and (self.ref_id or "") == (other.ref_id or "")
            and meta == other_meta
            and self.fields == other.fields
        )

    __hash__ = None  # type: ignore[assignment]

    # -- encodings -------------------------------------------------------------------------------------------

    def to_arrow(self) -> bytes:
        """Encode as one Arrow IPC file, exactly as the Go SDK writes frames."""
        from gpctl.sdk.data._arrow import encode_arrow

        return encode_arrow(self)

    def to_arrow_table(self) -> Any:
        """Return a `pyarrow.Table` with Grafana's schema and field metadata."""
        from gpctl.sdk.data._arrow import to_table

        return to_table(self)

    @classmethod
    def from_arrow_bytes(cls, data: bytes | memoryview) -> Frame:
        """Decode one Arrow IPC file (as found in `DataResponse.frames`).

        Raises:
            FrameError: the bytes are not an Arrow file Grafana could read.
        """
        from gpctl.sdk.data._arrow import decode_arrow

        return decode_arrow(data)

    def to_json(self, include: Include = "all") -> bytes:
        """Encode as Grafana frame JSON: `"all"` (schema + data), `"data"` only or `"schema"` only."""
        from gpctl.sdk.data._json import encode_json

        return encode_json(self, include)

    def to_dict(self, include: Include = "all") -> dict[str, Any]:
        """Return the frame JSON document as Python objects (what `to_json` serialises)."""
        from gpctl.sdk.data._json import frame_document

        return frame_document(self, include)

    @classmethod
    def from_json(cls, data: bytes | str | Mapping[str, Any], *, schema: Frame | None = None) -> Frame:
        """Decode frame JSON; a data-only document needs the `schema` frame it belongs to."""
        from gpctl.sdk.data._json import decode_json

        return decode_json(data, schema)

    # -- interop ---------------------------------------------------------------------------------------------

    @classmethod
    def from_arrow(cls, table: Any, name: str | None = None, *, ref_id: str | None = None) -> Frame:
        """Build a frame from a `pyarrow.Table` or `RecordBatch`, honouring Grafana metadata if present."""
        from gpctl.sdk.data._arrow import from_table

        return from_table(table, name, ref_id)

    @classmethod
    def from_pandas(
        cls,
        df: Any,
        name: str = "",
        *,
        index: bool | None = None,
        categoricals: Literal["string", "enum"] = "string",
        ref_id: str | None = None,
        meta: FrameMeta | None = None,
    ) -> Frame:
        """Build a frame from a pandas DataFrame, one field per column (duplicate column names are kept).

        The index becomes the first field(s) unless it is a plain unnamed `RangeIndex` (force with `index=`).
        Categorical columns become strings, or enum fields with `categoricals="enum"`.
        """
        from gpctl.sdk.data._interop import from_pandas

        return from_pandas(df, name, index=index, categoricals=categoricals, ref_id=ref_id, meta=meta)

    @classmethod
    def from_polars(
        cls,
        df: Any,
        name: str = "",
        *,
        categoricals: Literal["string", "enum"] = "string",
        ref_id: str | None = None,
        meta: FrameMeta | None = None,
    ) -> Frame:
        """Build a frame from a polars DataFrame; categorical and enum columns as in `from_pandas`."""
        from gpctl.sdk.data._interop import from_polars

        return from_polars(df, name, categoricals=categoricals, ref_id=ref_id, meta=meta)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any] | Sequence[Any]],
        name: str = "",
        *,
        columns: Sequence[str] | None = None,
        types: Mapping[str, str] | None = None,
        ref_id: str | None = None,
        meta: FrameMeta | None = None,
    ) -> Frame:
        """Build a frame from rows: mappings (keys become fields, in first-seen order) or sequences with `columns`."""
        from gpctl.sdk.data._interop import from_records

        return from_records(records, name, columns=columns, types=types, ref_id=ref_id, meta=meta)

    def to_pandas(self) -> Any:
        """Return a pandas DataFrame (times as UTC datetimes, nullable ints/bools as pandas nullable dtypes)."""
        from gpctl.sdk.data._interop import to_pandas

        return to_pandas(self)
