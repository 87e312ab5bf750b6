"""pandas inside the sandbox: DataFrames built from a drill's tables, and what an answer
returned turned into plain data for the judge outside.

Runs in a child only (pandas is imported once by the zygote). Tables arrive column by
column as plain values with a type word; the result leaves as a tagged tuple the judge
compares: ("frame", columns, index names, index rows, rows) for a DataFrame or a Series,
("scalar", value) for anything else. Missing values (None, NaN, NaT, pd.NA) all become None,
numpy scalars Python ones, timestamps ("timestamp", ISO text), categoricals their values.
Values are read through pandas' own conversion, so a subclass cannot lie about its rows
except by returning other rows, which the judge then compares.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math

MAX_CELLS = 1_000_000


def tables(data: dict) -> dict:
    """{name: DataFrame} from {name: {"columns": [...], "types": [...], "values": [[...], ...]}}."""
    import pandas as pd

    out = {}
    for name, table in data.items():
        columns = {}
        for column, kind, values in zip(table["columns"], table["types"], table["values"], strict=True):
            columns[column] = _column(pd, kind, values)
        out[name] = pd.DataFrame(columns) if columns else pd.DataFrame()
    return out


def _column(pd, kind: str, values: list):
    missing = any(v is None for v in values)
    if kind == "int":
        return pd.Series(values, dtype="float64" if missing else "int64")
    if kind == "float":
        return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    if kind == "bool":
        return pd.Series(values, dtype="object" if missing else "bool")
    if kind in ("date", "timestamp"):
        return pd.to_datetime(pd.Series(values, dtype="object"))
    return pd.Series(values, dtype="object" if kind == "object" else None)


def arguments(fn, frames: dict) -> dict:
    """The answer's parameters, each given the table of its name."""
    params = list(inspect.signature(fn).parameters.values())
    unknown = [p.name for p in params if p.name not in frames and p.default is inspect.Parameter.empty]
    if unknown:
        raise TypeError(f"parameter '{unknown[0]}' names no table; the tables are: {', '.join(frames)}")
    return {p.name: frames[p.name] for p in params if p.name in frames}


def result(value: object) -> tuple:
    """A returned value as plain data (see the module's docstring)."""
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.Series):
        value = value.to_frame(name=value.name if value.name is not None else "")
    if isinstance(value, pd.DataFrame):
        if value.shape[0] * max(value.shape[1], 1) > MAX_CELLS:
            raise ValueError(f"a DataFrame of more than {MAX_CELLS} cells")
        frame = pd.DataFrame.copy(value, deep=False)
        index = frame.index
        names = [None if n is None else _label(n) for n in index.names]
        index_rows = [list(r) if isinstance(r, tuple) else [r] for r in index.tolist()]
        columns = [_label(c) for c in frame.columns.tolist()]
        rows = [list(r) for r in frame.astype(object).itertuples(index=False, name=None)]
        return ("frame", columns, names, [[_cell(v) for v in r] for r in index_rows],
                [[_cell(v) for v in r] for r in rows])
    if isinstance(value, (pd.Index, np.ndarray, list, tuple, set, dict, pd.api.extensions.ExtensionArray)):
        raise TypeError(f"returned a {type(value).__name__}; return a DataFrame, a Series or a single value")
    return ("scalar", _cell(value))


def _label(name: object) -> str:
    if isinstance(name, tuple):
        return "_".join(str(_cell(p)) for p in name if str(p))
    return str(_cell(name))


def _cell(v: object) -> object:
    """One value as plain data: None for every kind of missing, timestamps as tagged text."""
    import numpy as np
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (bool, int, float, str)):
        return v  # plain.encode reads subclasses through their base type
    if isinstance(v, pd.Timestamp):
        return ("timestamp", v.isoformat(sep=" "))
    if isinstance(v, dt.datetime):
        return ("timestamp", pd.Timestamp(v).isoformat(sep=" "))
    if isinstance(v, dt.date):
        return ("timestamp", pd.Timestamp(v).isoformat(sep=" "))
    if isinstance(v, (pd.Timedelta, dt.timedelta)):
        return ("timedelta", str(pd.Timedelta(v)))
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, np.datetime64):
        return ("timestamp", pd.Timestamp(v).isoformat(sep=" "))
    raise TypeError(f"a cell of type {type(v).__name__}")
