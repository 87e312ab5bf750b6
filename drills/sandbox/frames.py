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

MAX_CELLS = 100_000  # a result this large is far from any drill's; turning it into plain data costs ~0.3 s


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
        raise TypeError(f"a {type(value).__name__}")
    return ("scalar", _cell(value))


def exercise() -> None:
    """Run the operations pandas drills use once on a tiny table, in the zygote before any
    request: pandas imports and initialises much of itself on first use (groupby, window and
    reshape machinery, offset caches), and a child forked afterwards starts with all of it
    done instead of paying it on every check."""
    import pandas as pd

    data = {"t": {"columns": ["k", "n", "x", "d", "s", "b"],
                  "types": ["str", "int", "float", "date", "str", "bool"],
                  "values": [["a", "b", "a", None], [1, 2, 3, None], [1.5, None, 2.5, 4.0],
                             ["2024-01-01", "2024-01-02", "2024-01-04", "2024-02-01"],
                             ["x", "y", "z", "w"], [True, False, True, False]]}}
    df = tables(data)["t"]
    g = df.groupby("k", dropna=False)
    outs = [
        g["n"].sum().reset_index(), g.agg(total=("x", "sum"), first=("d", "min"), count=("s", "count")),
        g["x"].transform("mean"), g["x"].cumsum(), g["n"].rank(method="dense"), g["d"].shift(1),
        g["x"].rolling(2, min_periods=1).mean(), g.size(), g.head(1), g["x"].nunique(),
        df.merge(df, on="k", how="left", suffixes=("", "_r")), df.merge(df, how="cross").head(2),
        pd.concat([df, df], ignore_index=True),
        df.sort_values(["k", "x"], ascending=[True, False], kind="stable", na_position="last"),
        df["x"].rank(method="min"), df.nlargest(2, "x"), df.drop_duplicates("k", keep="last"),
        df["k"].value_counts(dropna=False), df.pivot_table(index="k", columns="b", values="x", aggfunc="sum"),
        df.set_index("d")["x"].rolling("3D").sum(), df.set_index("d").resample("MS")["x"].sum(),
        df.assign(m=df["d"].dt.to_period("M").astype(str), w=df["d"].dt.dayofweek).query("n > 1"),
        df["x"].fillna(0).cumsum(), df["x"].diff(), df["x"].pct_change(fill_method=None), df["x"].expanding().mean(),
        df["s"].str.upper().str.contains("X"), df["n"].isin([1, 2]), df.melt(id_vars="k", value_vars=["x"]),
        df.loc[df["n"].between(1, 2)], df.apply(lambda r: r["x"], axis=1), df["x"].clip(0, 2).round(1),
        df["d"].diff().dt.days, df.eval("y = x * 2"), df.isna().sum(),
    ]
    outs.append(pd.cut(df["x"], [0, 2, 5]).astype(str))
    outs.append(pd.merge_asof(df.sort_values("d"), df.sort_values("d"), on="d", direction="backward"))
    for value in [*outs, 1.5, df["d"].iloc[0]]:
        result(value)


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
