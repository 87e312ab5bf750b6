"""The framing between the judge's process and the sandbox server.

A request is a fixed binary header (what to do, time limit, memory MB, body size) and a JSON
body that only the child parses, so the server reads no more than it needs. A reply is one
JSON line announcing `results_len` and `output_len`, followed by exactly that many raw bytes.
"""

from __future__ import annotations

import struct

REQUEST_HEADER = struct.Struct("<BdIQ")
OPS = ("run", "build", "probe")
MAX_TIME_LIMIT = 3600.0
MAX_REQUEST = 1 << 30


def pack_request(op: str, time_limit: float, memory_mb: int, body: bytes) -> bytes:
    return REQUEST_HEADER.pack(OPS.index(op), time_limit, memory_mb, len(body)) + body
