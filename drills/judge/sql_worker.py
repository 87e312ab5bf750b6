"""The process that runs SQL answers in DuckDB, so a runaway query can always be killed.

Protocol: length-prefixed pickles over stdin/stdout. Requests are (op, args); replies are
tuples starting with "ok", "error", "refused" or "timeout". Only the parent process talks to
it, and it never runs Python from a drill, only SQL against a locked-down connection.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
from collections import OrderedDict
from typing import Any

HEADER = struct.Struct(">I")
READ_ONLY = {"SELECT"}
CACHE_SIZE = 48

LOCKDOWN = (
    # temp_directory first: with external access off DuckDB still allows an existing temp dir
    "SET temp_directory = ''",
    "SET enable_external_access = false",
    "SET autoload_known_extensions = false",
    "SET autoinstall_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET max_memory = '1GB'",
    "SET threads = 1",
    "SET lock_configuration = true",
)


def lockdown(con: Any) -> None:
    """No files, no extensions, bounded memory, no further SETs."""
    for statement in LOCKDOWN:
        con.execute(statement)


def connect(setup: str) -> Any:
    """A locked connection holding the drill's data. The setup runs after the lockdown:
    a contributed drill's setup is untrusted too, and tables need no files or settings."""
    import duckdb

    con = duckdb.connect(":memory:")
    lockdown(con)
    con.execute(setup)
    return con


class Worker:
    def __init__(self) -> None:
        self.cache: OrderedDict[Any, Any] = OrderedDict()

    def connection(self, key: Any, setup: str) -> Any:
        con = self.cache.get(key)
        if con is None:
            con = connect(setup)
            self.cache[key] = con
            if len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)[1].close()
        else:
            self.cache.move_to_end(key)
        return con

    def query(self, key: Any, setup: str, sql: str, time_limit: float, max_rows: int) -> tuple:
        import duckdb

        try:
            con = self.connection(key, setup)
        except duckdb.Error as exc:
            return ("setup_error", str(exc))
        try:
            statements = con.extract_statements(sql)
        except duckdb.Error as exc:
            return ("error", _first_line(exc))
        if not statements:
            return ("refused", "the answer holds no SQL statement")
        if len(statements) > 1:
            return ("refused", f"the answer holds {len(statements)} statements; give exactly one query")
        kind = statements[0].type.name
        if kind == "MULTI":
            return ("refused", "the query expands into several statements (a PIVOT without an IN list does); "
                               "name the pivot values with IN (...) or use conditional aggregation")
        if kind not in READ_ONLY:
            return ("refused", f"only a read-only query (SELECT, WITH, FROM, VALUES) is accepted, not {kind}")
        done = threading.Event()
        interrupted = threading.Event()

        def watchdog() -> None:
            if done.wait(time_limit):
                return
            interrupted.set()
            # one interrupt sent as a query starts can be lost: keep sending until it returns
            while not done.is_set():
                con.interrupt()
                done.wait(0.02)

        thread = threading.Thread(target=watchdog, daemon=True)
        thread.start()
        try:
            result = con.execute(sql)
            columns = [(d[0], str(d[1])) for d in (result.description or [])]
            rows = result.fetchmany(max_rows + 1)
        except duckdb.InterruptException:
            return ("timeout", time_limit)
        except duckdb.Error as exc:
            if interrupted.is_set():
                return ("timeout", time_limit)
            return ("error", _first_line(exc))
        finally:
            done.set()
            thread.join()
        if interrupted.is_set():
            return ("timeout", time_limit)
        return ("ok", columns, rows[:max_rows], len(rows) > max_rows)

    def tables(self, key: Any, setup: str, sample: int) -> tuple:
        import duckdb

        try:
            con = self.connection(key, setup)
            names = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
            out = []
            for name in names:
                quoted = '"' + name.replace('"', '""') + '"'
                cols = con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = ? ORDER BY ordinal_position", [name]).fetchall()
                count = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
                rows = con.execute(f"SELECT * FROM {quoted} LIMIT {int(sample)}").fetchall()
                out.append((name, cols, rows, count))
            return ("ok", out)
        except duckdb.Error as exc:
            return ("setup_error", str(exc))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text if len(text) < 2000 else text[:2000] + " ..."


def read_frame(stream: Any) -> Any:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    return pickle.loads(stream.read(size))


def write_frame(stream: Any, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def main() -> None:
    inp = os.fdopen(os.dup(0), "rb")
    out = os.fdopen(os.dup(1), "wb")
    # nothing else may write to the reply channel
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import duckdb  # noqa: F401  - pay the import before the first request

    worker = Worker()
    while True:
        request = read_frame(inp)
        if request is None:
            return
        op, args = request
        try:
            reply = getattr(worker, op)(*args)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, never fatal
            reply = ("crash", f"{type(exc).__name__}: {exc}")
        write_frame(out, reply)


if __name__ == "__main__":
    main()
