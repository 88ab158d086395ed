"""The relay's HTTP/2 frame tracking: frame headers across chunk boundaries, and the GOAWAY it sends."""

from __future__ import annotations

from gpctl.dev._proxy import FrameTracker, goaway_frame

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def _frame(kind: int, flags: int, stream: int, payload: bytes = b"") -> bytes:
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload


def test_frames_across_chunks() -> None:
    data = PREFACE + _frame(4, 0, 0, b"\x00" * 6) + _frame(1, 4, 1, b"headers") + _frame(0, 1, 1, b"x" * 40)
    for size in (1, 5, 9, 10, 64, len(data)):
        tracker = FrameTracker(len(PREFACE))
        seen = []
        for start in range(0, len(data), size):
            seen += tracker.feed(data[start : start + size])
        assert seen == [(4, 0, 0), (1, 4, 1), (0, 1, 1)]
        assert tracker.at_boundary


def test_boundary_and_goaway() -> None:
    tracker = FrameTracker()
    tracker.feed(_frame(0, 0, 3, b"abcdef")[:12])
    assert not tracker.at_boundary
    tracker.feed(b"def")
    assert tracker.at_boundary
    assert goaway_frame(7) == bytes.fromhex("0000080700000000000000000700000000")
