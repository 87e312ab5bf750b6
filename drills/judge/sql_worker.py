"""The process that runs SQL answers in DuckDB, so a runaway query can always be killed.

Protocol: length-prefixed pickles over stdin/stdout. Requests are (op, args); replies are
tuples starting with "ok", "error", "refused", "timeout", "memory", "setup_error" or
"setup_timeout". Only the parent process talks to it, and it never runs Python from a
drill, only SQL against a locked-down connection. Its address space is capped with an
rlimit, so no query can take the machine's memory whatever DuckDB's own accounting says.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import struct
import sys
import threading
import time
from collections import OrderedDict
from typing import Any

HEADER = struct.Struct(">I")
READ_ONLY = {"SELECT"}
CACHE_SIZE = 16  # datasets, each with its connections in every storage order (about 4 MB each)
MEMORY_LIMIT_MB = 2048  # the worker's whole address space; DuckDB itself is told 1 GB below
SHUFFLE_SEED = 7919
THREADS = min(3, os.cpu_count() or 1)  # storage orders judged side by side
# All the threads the worker has: these, the main one, the parent watch and the watchdogs' monitor;
# DuckDB itself starts none (CONFIG below).
MAX_THREADS = THREADS + 3

# The physical orders each dataset is judged in: as the setup inserted the rows, reversed,
# and shuffled with a fixed seed. SQL promises no order without ORDER BY.
VARIANTS = (0, 1, 2)
VARIANT_NAMES = {0: "as inserted", 1: "in reverse order", 2: "in shuffled order"}

# one thread and no background ones: a connection then costs megabytes of address space, not 70
CONFIG: dict[str, str | bool | int | float | list[str]] = {"threads": 1, "async_threads": 0}

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


def connect(setup: str, variant: int = 0, time_limit: float | None = None) -> Any:
    """A locked connection holding the drill's data, its rows stored in `variant` order.

    The setup runs after the lockdown: a contributed drill's setup is untrusted too, and
    tables need no files or settings. With `time_limit`, a setup that runs longer is
    interrupted (duckdb.InterruptException)."""
    import duckdb

    con = duckdb.connect(":memory:", config=CONFIG)
    lockdown(con)
    with Watchdog(con, time_limit):
        con.execute(setup)
    if variant:
        con = variants(con, (variant,))[variant]
    return con


def variants(con: Any, which: tuple[int, ...] = VARIANTS[1:]) -> dict[int, Any]:
    """Connections to `con`'s database that see its tables stored in other orders.

    Each order is a schema holding copies of the tables, reversed (1) or shuffled (2), and a
    cursor whose default schema it is: the setup runs once, and the copies cost little."""
    import duckdb

    tables = [name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND database_name = 'memory' "
        "AND schema_name = 'main' ORDER BY table_name").fetchall()]
    out = {0: con}
    for variant in which:
        schema = f"__drill_order_{variant}"
        order = "rowid DESC" if variant == 1 else f"hash(rowid + {SHUFFLE_SEED})"
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        for name in tables:
            try:
                con.execute(f"CREATE TABLE {schema}.{quote(name)} AS SELECT * FROM main.{quote(name)} ORDER BY {order}")
            except duckdb.Error:
                pass  # a table that cannot be copied is read from main, in its stored order
        cursor = con.cursor()
        cursor.execute(f"USE memory.{schema}")
        out[variant] = cursor
    return out


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Monitor:
    """One thread that interrupts every watched statement past its deadline, or whose `stop`
    event is set: starting a thread per query costs a scheduling round on a busy machine."""

    RESEND = 0.02  # one interrupt sent as a query starts can be lost: keep sending until it returns

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.watched: set[Watchdog] = set()
        self.thread: threading.Thread | None = None

    def watch(self, dog: Watchdog) -> None:
        with self.cond:
            self.watched.add(dog)
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, daemon=True)
                self.thread.start()
            self.cond.notify()

    def unwatch(self, dog: Watchdog) -> None:
        with self.cond:  # interrupts are sent holding the lock: none can follow this
            self.watched.discard(dog)

    def poke(self) -> None:
        with self.cond:
            self.cond.notify()

    def _run(self) -> None:
        with self.cond:
            while True:
                now = time.monotonic()
                wait = None
                for dog in self.watched:
                    if dog.fired.is_set() or now >= dog.deadline or (dog.stop is not None and dog.stop.is_set()):
                        dog.fired.set()
                        dog.con.interrupt()
                        wait = self.RESEND
                    else:
                        left = dog.deadline - now
                        wait = left if wait is None else min(wait, left)
                        if dog.stop is not None:
                            wait = min(wait, 0.05)
                self.cond.wait(wait)


MONITOR = Monitor()


class Watchdog:
    """Interrupts the connection's running statement once `limit` seconds have passed, or
    as soon as `stop` is set (another query of the same check ran out of time)."""

    def __init__(self, con: Any, limit: float | None, stop: threading.Event | None = None) -> None:
        self.con, self.limit, self.stop = con, limit, stop
        self.fired = threading.Event()
        self.deadline = 0.0

    def __enter__(self) -> Watchdog:
        if self.limit is not None:
            self.deadline = time.monotonic() + self.limit
            MONITOR.watch(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.limit is not None:
            MONITOR.unwatch(self)


_TOKENS = re.compile(r"""--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|"(?:[^"]|"")*"|[()]|[A-Za-z_]+""", re.S)


def _outer_order_by_in_text(sql: str) -> bool:
    """ORDER BY outside every parenthesis, string, quoted name and comment: the outer one."""
    depth, previous = 0, ""
    for token in _TOKENS.findall(sql):
        if token.startswith(("--", "/*")):
            continue
        word = token.upper() if token[0].isalpha() or token[0] == "_" else ""
        depth += (token == "(") - (token == ")")
        if depth == 0 and previous == "ORDER" and word == "BY":
            return True
        previous = word if depth == 0 else ""
    return False


def has_outer_order_by(con: Any, sql: str) -> bool | None:
    """Whether the query's outermost level sorts its rows; None when DuckDB cannot tell.

    A scan of the text answers yes in microseconds; a no is confirmed by DuckDB's parser."""
    import duckdb

    if _outer_order_by_in_text(sql):
        return True

    try:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
        if tree.get("error"):
            return None
        node = tree["statements"][0]["node"]
    except (duckdb.Error, KeyError, IndexError, TypeError, ValueError):
        return None
    return any(m.get("type") == "ORDER_MODIFIER" for m in node.get("modifiers", []))


def refusal(con: Any, sql: str) -> tuple | None:
    """Why `sql` may not run (not exactly one read-only query), as a reply; None when it may."""
    import duckdb

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
    return None


def run(con: Any, sql: str, time_limit: float, max_rows: int, stop: threading.Event | None = None,
        checked: bool = False) -> tuple:
    """One answer on one connection: ("ok", columns, rows, truncated, shapes) or a failure reply.
    With `checked`, `refusal` already let this text through."""
    import duckdb

    from drills.judge.sqlcompare import shape_of

    refused = None if checked else refusal(con, sql)
    if refused is not None:
        return refused
    watchdog = Watchdog(con, time_limit, stop)
    try:
        with watchdog:
            result = con.execute(sql)
            description = result.description or []
            rows = result.fetchmany(max_rows + 1)
    except duckdb.InterruptException:
        return ("timeout", time_limit)
    except (duckdb.OutOfMemoryException, MemoryError):
        return ("memory", MEMORY_LIMIT_MB)
    except duckdb.Error as exc:
        if watchdog.fired.is_set():
            return ("timeout", time_limit)
        return ("error", _first_line(exc))
    if watchdog.fired.is_set():
        return ("timeout", time_limit)
    columns = [(d[0], str(d[1])) for d in description]
    shapes = [shape_of(d[1]) for d in description]
    return ("ok", columns, rows[:max_rows], len(rows) > max_rows, shapes)


class Worker:
    def __init__(self) -> None:
        self.cache: OrderedDict[Any, Any] = OrderedDict()
        self.references: OrderedDict[Any, tuple] = OrderedDict()
        self.lock = threading.Lock()
        self.pool: Any = None  # threads that judge the storage orders side by side, started once

    def connection(self, key: Any, setup: str, variant: int = 0, time_limit: float | None = None) -> Any:
        """The dataset's connection seeing its rows in `variant` order (cached per dataset)."""
        with self.lock:
            orders = self.cache.get(key)
            if orders is not None:
                self.cache.move_to_end(key)
                return orders[variant]
        orders = variants(connect(setup, 0, time_limit))
        with self.lock:
            self.cache[key] = orders
            if len(self.cache) > CACHE_SIZE:
                self.cache.popitem(last=False)[1][0].close()
        return orders[variant]

    def open(self, key: Any, setup: str, variant: int, time_limit: float | None) -> Any:
        """The connection, or the reply that says why the setup failed."""
        import duckdb

        try:
            return self.connection(key, setup, variant, time_limit)
        except duckdb.InterruptException:
            return ("setup_timeout", time_limit)
        except (duckdb.OutOfMemoryException, MemoryError):
            return ("setup_error", f"the setup needs more than {MEMORY_LIMIT_MB} MB")
        except duckdb.Error as exc:
            return ("setup_error", str(exc))

    def query(self, key: Any, setup: str, sql: str, time_limit: float, max_rows: int, variant: int = 0) -> tuple:
        con = self.open(key, setup, variant, time_limit)
        if isinstance(con, tuple):
            return con
        return run(con, sql, time_limit, max_rows)

    def check(self, key: Any, setups: list[str], reference: str, answer: str, rules: Any, time_limit: float,
              max_rows: int, want_order: bool, side_by_side: bool = True) -> tuple:
        """The answer on every dataset in every storage order, next to the reference (cached).

        With `side_by_side`, the orders run in threads, one connection each, so checking three
        orders costs little more wall time than one; batch work (validate) already runs drills
        in parallel and asks for one thread. Replies: ("correct",), ("no_order_by",),
        ("wrong", index, variant, expected, got), ("reference", index, reply) when the
        reference fails, ("answer", index, variant, reply) when the answer does."""
        from concurrent.futures import ThreadPoolExecutor

        from drills.judge.sqlcompare import same

        pairs = [(variant, index) for variant in VARIANTS for index in range(len(setups))]
        stop = threading.Event()
        for index, setup in enumerate(setups):  # create each dataset once, before the threads ask for it
            failed = self.open((key, index), setup, 0, time_limit)
            if isinstance(failed, tuple):
                return ("reference", index, failed)
        refused = refusal(self.connection((key, 0), setups[0]), answer)
        if refused is not None:
            return ("answer", 0, 0, refused)

        def one(pair: tuple[int, int]) -> tuple:
            variant, index = pair
            con = self.open((key, index), setups[index], variant, time_limit)
            if isinstance(con, tuple):
                return ("reference", index, con), None
            exp = self.reference(con, (key, index, variant, reference), reference, time_limit, max_rows)
            if exp[0] != "ok":
                return ("reference", index, exp), None
            got = run(con, answer, time_limit, max_rows, stop, checked=True)
            if got[0] == "timeout":
                stop.set()
                MONITOR.poke()
            return exp, got

        if side_by_side and THREADS > 1 and len(pairs) > 1:
            if self.pool is None:
                self.pool = ThreadPoolExecutor(THREADS)
            results = list(self.pool.map(one, pairs))
        else:
            results = [one(p) for p in pairs]
        for (variant, index), (exp, got) in zip(pairs, results, strict=True):
            if got is None:
                return exp
            if got[0] != "ok":
                return ("answer", index, variant, got)
            if not same(rules, exp, got):
                return ("wrong", index, variant, exp, got)
        # asked only of answers that are otherwise right: parsing the query costs a few ms
        if want_order and has_outer_order_by(self.connection((key, 0), setups[0]), answer) is False:
            return ("no_order_by",)
        return ("correct",)

    def reference(self, con: Any, key: Any, sql: str, time_limit: float, max_rows: int) -> tuple:
        with self.lock:
            reply = self.references.get(key)
        if reply is None:
            reply = run(con, sql, time_limit, max_rows)
            if reply[0] == "ok":
                with self.lock:
                    self.references[key] = reply
                    if len(self.references) > CACHE_SIZE:
                        self.references.popitem(last=False)
        return reply

    def tables(self, key: Any, setup: str, sample: int, time_limit: float | None = None) -> tuple:
        import duckdb

        con = self.open(key, setup, 0, time_limit)
        if isinstance(con, tuple):
            return con
        try:
            names = [r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "ORDER BY table_name").fetchall()]
            out = []
            for name in names:
                cols = con.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()
                count = con.execute(f"SELECT count(*) FROM {quote(name)}").fetchone()[0]
                rows = con.execute(f"SELECT * FROM {quote(name)} LIMIT {int(sample)}").fetchall()
                out.append((name, cols, rows, count))
            return ("ok", out)
        except duckdb.Error as exc:
            return ("setup_error", str(exc))

    def shrink(self, key: Any, setup: str, variant: int, reference: str, answer: str, rules: Any,
               time_limit: float, budget: float) -> tuple:
        """The smallest set of the dataset's rows on which `answer` and `reference` differ."""
        from drills.judge.counterexample import shrink

        return shrink(self, key, setup, variant, reference, answer, rules, time_limit, budget)

    def search(self, keys: list, setups: list[str], reference: str, mutant: str, rules: Any,
               time_limit: float, budget: float) -> tuple:
        """A small dataset, made from the drill's rows, on which `mutant` and `reference` differ."""
        from drills.judge.counterexample import search

        return search(self, keys, setups, reference, mutant, rules, time_limit, budget)


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


def cap_memory(megabytes: int = MEMORY_LIMIT_MB) -> None:
    """An address-space rlimit: the kernel refuses allocations past it, whoever asks."""
    import resource

    limit = megabytes * 2**20
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _exit_with_parent(fd: int) -> None:
    """Stop at once, even mid-query, when the parent's end of the request pipe closes: the
    parent is gone (killed, say), and nobody will read a reply."""
    import select

    poller = select.poll()
    poller.register(fd, 0)  # only hang-up and errors wake it, never a waiting request
    while True:
        for _, events in poller.poll():
            if events & (select.POLLHUP | select.POLLERR | select.POLLNVAL):
                os._exit(0)


def main() -> None:
    threading.Thread(target=_exit_with_parent, args=(0,), name="parent-watch", daemon=True).start()
    inp = os.fdopen(os.dup(0), "rb")
    out = os.fdopen(os.dup(1), "wb")
    # nothing else may write to the reply channel
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    cap_memory()
    import duckdb  # noqa: F401  - pay the import before the first request

    worker = Worker()
    while True:
        request = read_frame(inp)
        if request is None:
            return
        op, args = request
        try:
            reply = getattr(worker, op)(*args)
        except MemoryError:
            reply = ("memory", MEMORY_LIMIT_MB)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, never fatal
            reply = ("crash", f"{type(exc).__name__}: {exc}")
        write_frame(out, reply)


if __name__ == "__main__":
    main()
