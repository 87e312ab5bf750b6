"""Find, parse and check the YAML drill files of one or more banks."""

from __future__ import annotations

import hashlib
import os
import stat as stat_kind
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from drills.errors import BankError
from drills.model import Question, WrongAnswer

FORMAT_VERSION = 1
BANK_FILE = "_bank.yaml"
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 50  # levels of nested values; a drill needs a handful


def bundled_bank() -> Path:
    """The bank shipped inside the wheel, or `questions/` beside the package in a checkout."""
    here = Path(__file__).resolve().parent
    inside = here / "questions"
    return inside if inside.is_dir() else here.parent / "questions"


def bank_dirs(extra: Sequence[str | Path] = (), env: str | None = None, builtin: bool = True) -> list[Path]:
    """The bundled bank, then DRILL_BANK entries (':'-separated), then --bank directories."""
    env = os.environ.get("DRILL_BANK", "") if env is None else env
    dirs = [bundled_bank()] if builtin else []
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    dirs += [Path(p) for p in extra]
    seen: list[Path] = []
    for d in dirs:
        resolved = d.expanduser().resolve()
        if resolved not in seen:
            seen.append(resolved)
    return seen


def drill_files(root: Path) -> Iterator[Path]:
    """Every drill file under `root`: *.yaml and *.yml, skipping `_`-prefixed and hidden names."""
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if path.suffix in (".yaml", ".yml") and not any(p.startswith((".", "_")) for p in rel):
            yield path


@dataclass
class Bank:
    """Loaded questions by id, plus every problem found while loading."""

    questions: dict[str, Question] = field(default_factory=dict)
    errors: list[BankError] = field(default_factory=list)

    def get(self, key: str) -> Question:
        """A question by id, or by the path of its file."""
        if key in self.questions:
            return self.questions[key]
        path = Path(key)
        if path.suffix in (".yaml", ".yml"):
            resolved = path.resolve()
            for q in self.questions.values():
                if q.path and q.path.resolve() == resolved:
                    return q
        for err in self.errors:  # the drill asked for is there but broken: say why
            if err.path is not None and err.path.with_suffix("").as_posix().endswith("/" + key):
                raise err
        from difflib import get_close_matches

        close = get_close_matches(key, list(self.questions), n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else " Run `drill list` to see the ids."
        raise BankError(f"no drill with id '{key}'.{hint}")

    def raise_errors(self) -> None:
        if self.errors:
            first = self.errors[0]
            more = len(self.errors) - 1
            suffix = f"\n(and {more} more problem{'s' if more > 1 else ''}; run `drill validate`)" if more else ""
            raise BankError(first.message + suffix, first.path, first.line)


def load_bank(dirs: Iterable[Path], strict: bool = True, cache: Path | None = None) -> Bank:
    """Load every drill under `dirs`. With strict, the first problem raises a BankError.

    With `cache`, parsed drills are kept in that file and reused while a file's size and
    modification time are unchanged: a session starts without parsing a thousand YAML files.
    """
    bank = Bank()
    where: dict[str, Question] = {}
    cached = _read_cache(cache)
    fresh: dict[str, tuple] = {}
    for root in dirs:
        if not root.exists():
            bank.errors.append(BankError("bank directory does not exist", root))
            continue
        base = bank_root(root)
        if base is not None:
            bank.errors.extend(_check_format_version(base))
        for path in drill_files(root):
            try:
                stat = bank_file_stat(path, root if root.is_dir() else None)
                stamp = (stat.st_mtime_ns, stat.st_size, str(base))
                hit = cached.get(str(path))
                q = hit[1] if hit and hit[0] == stamp else load_file(path, base)
                fresh[str(path)] = (stamp, q)
            except BankError as err:
                bank.errors.append(err)
                continue
            except OSError as exc:
                bank.errors.append(BankError(f"cannot read the file: {exc.strerror}", path, 1))
                continue
            if q.id in where:
                other = where[q.id]
                bank.errors.append(
                    BankError(f"duplicate id '{q.id}', also used by {other.path}:{other.line_of('id')}; "
                              "give one of them a new id", path, q.line_of("id"))
                )
                continue
            where[q.id] = q
    bank.questions = where
    if cache is not None and fresh != cached:
        _write_cache(cache, fresh)
    if strict:
        bank.raise_errors()
    return bank


def _cache_tag() -> str:
    from drills import __version__

    return f"drill {__version__} format {FORMAT_VERSION}"


def _question_to_json(q: Question) -> dict:
    from drills import cache

    out = {}
    for f in fields(q):
        value = getattr(q, f.name)
        if f.name == "path":
            value = str(value) if value else None
        elif f.name == "wrong_answers":
            value = [asdict(w) for w in value]
        elif f.name == "lines":
            value = dict(value)
        out[f.name] = cache.encode(value)
    return out


def _question_from_json(data: dict) -> Question:
    from drills import cache

    kwargs = {name: cache.decode(value) for name, value in data.items()}
    kwargs["path"] = Path(kwargs["path"]) if kwargs.get("path") else None
    kwargs["wrong_answers"] = tuple(WrongAnswer(**w) for w in kwargs.get("wrong_answers", ()))
    return Question(**kwargs)


def _read_cache(cache_file: Path | None) -> dict[str, tuple]:
    """Parsed drills by file, as JSON that only this user wrote (see drills/cache.py)."""
    if cache_file is None:
        return {}
    from drills import cache

    data = cache.read_json(cache_file)
    try:
        if not isinstance(data, dict) or data.get("tag") != _cache_tag():
            return {}
        return {
            path: (tuple(entry["stamp"]), _question_from_json(entry["question"]))
            for path, entry in data["entries"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError):  # damaged or stale: parse again
        return {}


def _write_cache(cache_file: Path, entries: dict[str, tuple]) -> None:
    from drills import cache

    out = {}
    for path, (stamp, q) in entries.items():
        try:
            out[path] = {"stamp": list(stamp), "question": _question_to_json(q)}
        except cache.Unencodable:
            continue  # a value JSON cannot hold: this drill is parsed each time
    cache.write_json(cache_file, {"tag": _cache_tag(), "entries": out})  # if it fails, it only costs speed


def bank_file_stat(path: Path, bank: Path | None) -> os.stat_result:
    """A drill file's stat, once it is known to be a regular file of a readable size inside
    `bank`: a symbolic link that leaves the bank is refused without opening its target."""
    if bank is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(bank.resolve()):
            raise BankError("is a symbolic link to a file outside the bank; drill does not follow links out "
                            "of a bank: copy the file in instead", path, 1)
    found = path.stat()
    if not stat_kind.S_ISREG(found.st_mode):
        raise BankError("is not a regular file; a drill file holds YAML text", path, 1)
    if found.st_size > MAX_FILE_BYTES:
        raise BankError(f"file is larger than {MAX_FILE_BYTES // 1000} kB; a drill should be small", path, 1)
    return found


def bank_root(path: Path) -> Path | None:
    """The bank a path belongs to: the nearest folder holding _bank.yaml, else the folder itself."""
    path = path.resolve()
    for folder in (path, *path.parents):
        if (folder / BANK_FILE).is_file():
            return folder
    return path if path.is_dir() else None


def _check_format_version(root: Path) -> list[BankError]:
    marker = root / BANK_FILE
    if not marker.is_file():
        return []
    try:
        bank_file_stat(marker, root)
        data = _read_yaml(marker)[1] or {}
    except BankError as exc:
        return [BankError(f"cannot read the bank settings: {exc.message}", marker, exc.line)]
    except OSError as exc:
        return [BankError(f"cannot read the bank settings: {exc.strerror}", marker)]
    version = data.get("format_version", FORMAT_VERSION) if isinstance(data, dict) else None
    return _version_problem(version, marker, 1)


def _version_problem(version: Any, path: Path, line: int) -> list[BankError]:
    if version == FORMAT_VERSION:
        return []
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        return [BankError(f"written in bank format {version}, newer than this drill understands "
                          f"({FORMAT_VERSION}); upgrade drill", path, line)]
    return [BankError(f"format_version {version!r} is not supported; run `drill migrate` to "
                      f"bring the file to format {FORMAT_VERSION}", path, line)]


def _yaml():
    import yaml

    return yaml


def _loader_class():
    yaml = _yaml()
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_file(path: Path, root: Path | None = None) -> Question:
    """Parse one drill file into a Question, or raise a BankError naming path:line."""
    node, doc, raw = _read_yaml(path)
    if node is None:
        raise BankError("file is empty; a drill file holds one YAML mapping (see CONTRIBUTING.md)", path, 1)
    if not isinstance(doc, dict):
        raise BankError("a drill file must be a YAML mapping of fields (id: ..., kind: ...)", path, 1)
    lines = _node_lines(node)  # _check_nodes bounded the depth
    _keep_number_text(doc, node)
    return _build(doc, lines, path, root, hashlib.sha256(raw).hexdigest()[:16])


def _read_yaml(path: Path) -> tuple[Any, Any, bytes]:
    """(node, document, bytes) of one small YAML file without aliases, or a BankError."""
    yaml = _yaml()
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BankError(f"cannot read the file: {exc.strerror}", path, 1) from None
    if len(raw) > MAX_FILE_BYTES:
        raise BankError(f"file is larger than {MAX_FILE_BYTES // 1000} kB; a drill should be small", path, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BankError("is not UTF-8 text; save it as UTF-8", path, raw[: exc.start].count(b"\n") + 1) from None
    loader = _loader_class()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None, raw
        _check_nodes(node, text, path)
        doc = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise BankError(f"invalid YAML: {what}; check the indentation and quoting near here", path, line) from None
    except yaml.reader.ReaderError as exc:  # a control character: its position, not a mark
        line = text[: max(exc.position, 0)].count("\n") + 1
        raise BankError(f"invalid YAML: {exc.reason} (character #x{exc.character:04x}); remove it or write it "
                        "as an escape in a double-quoted string", path, line) from None
    except yaml.YAMLError as exc:
        raise BankError(f"invalid YAML: {exc}", path, 1) from None
    except RecursionError:  # the pure-Python composer recurses
        _refuse_depth(loader, path)
    except ValueError as exc:  # a number with more digits than Python converts
        raise BankError(f"invalid YAML: a value cannot be read ({exc})", path, 1) from None
    finally:
        loader.dispose()
    return node, doc, raw


def _check_nodes(node: Any, text: str, path: Path) -> None:
    """One walk in document order: a field given twice, or an alias. Aliases (*name) can
    expand without bound (a "billion laughs" file) or contain themselves, and a drill has no
    need for them; the composer shares an aliased node, so a node met twice is an alias."""
    yaml = _yaml()
    met: set[int] = set()
    stack = [(node, 0)]
    while stack:
        n, depth = stack.pop()
        if id(n) in met:
            _refuse_alias(text, path)
        met.add(id(n))
        if depth > MAX_DEPTH:
            raise _too_deep(path, n.start_mark.line + 1)
        children: list[Any] = []
        if isinstance(n, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key, value in n.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        raise BankError(f"field '{key.value}' appears twice (first on line {seen[key.value]}); "
                                        "keep one", path, key.start_mark.line + 1)
                    seen[key.value] = key.start_mark.line + 1
                children += [key, value]
        elif isinstance(n, yaml.SequenceNode):
            children = list(n.value)
        stack.extend((child, depth + 1) for child in reversed(children))


def _too_deep(path: Path, line: int) -> BankError:
    return BankError(f"values are nested more than {MAX_DEPTH} levels deep; a drill needs only a few", path, line)


def _refuse_depth(loader: Any, path: Path) -> None:
    """The pure-Python composer recursed past Python's limit: name the line it had read to."""
    line = getattr(loader, "line", None)
    raise _too_deep(path, line + 1 if isinstance(line, int) else 1)


def _refuse_alias(text: str, path: Path) -> None:
    """Name the first alias and its line (an aliased node keeps only its anchor's position)."""
    yaml = _yaml()
    for event in yaml.parse(text, Loader=_loader_class()):
        if isinstance(event, yaml.AliasEvent):
            raise BankError(f"'*{event.anchor}' is a YAML alias; drill files may not use aliases (they can "
                            "expand without bound): write the value out", path, event.start_mark.line + 1)
    raise BankError("a value appears twice through a YAML alias; write the value out", path)


def _node_lines(node: Any, prefix: tuple = ()) -> dict[tuple, int]:
    """Map each value's path (('tests', 2, 'args') ...) to the 1-based line it starts on."""
    yaml = _yaml()
    lines: dict[tuple, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            p = (*prefix, key.value if isinstance(key, yaml.ScalarNode) else str(key))
            lines[p] = key.start_mark.line + 1
            lines.update(_node_lines(value, p))
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            p = (*prefix, i)
            lines[p] = value.start_mark.line + 1
            lines.update(_node_lines(value, p))
    return lines


def _keep_number_text(doc: dict, node: Any) -> None:
    """`solution: 0.125` must stay the exact text the author wrote, not a float."""
    yaml = _yaml()
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.value == "solution" and isinstance(value, yaml.ScalarNode) and _is_number(doc.get("solution")):
            doc["solution"] = value.value
        if key.value == "wrong_answers" and isinstance(value, yaml.SequenceNode):
            for item_node, item in zip(value.value, doc.get("wrong_answers") or [], strict=False):
                if isinstance(item_node, yaml.MappingNode) and isinstance(item, dict):
                    for k, v in item_node.value:
                        if getattr(k, "value", None) == "answer" and _is_number(item.get("answer")):
                            item["answer"] = v.value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _build(doc: dict, lines: dict[tuple, int], path: Path, root: Path | None, digest: str) -> Question:
    from drills import schema

    if "format_version" in doc:
        for err in _version_problem(doc["format_version"], path, lines.get(("format_version",), 1)):
            raise err
    problems = list(schema.validate(doc))
    suggested = {m.rsplit("'", 2)[-2] for _, m in problems if "did you mean" in m}
    problems = [p for p in problems if not any(p[1].startswith(f"missing required field '{f}'") for f in suggested)]
    if problems:
        # a misspelt field also makes a required one "missing": report the cause first
        where, message = min(problems, key=lambda p: (not p[1].startswith("unknown"), _line_for(lines, p[0])))
        field_name = schema.format_path(where)
        text = message if message.startswith(("missing", "unknown", "field")) else f"'{field_name}' {message}"
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        raise BankError(text + more, path, _line_for(lines, where))
    _check_id_matches_path(doc, path, root, lines)
    top = {k[0]: v for k, v in lines.items() if len(k) == 1}
    wrong = tuple(
        WrongAnswer(str(w["answer"]), w["why"], lines.get(("wrong_answers", i), 0), bool(w.get("slow", False)))
        for i, w in enumerate(doc.get("wrong_answers", ()))
    )
    kwargs = {k: v for k, v in doc.items() if k not in ("wrong_answers", "format_version")}
    for key in ("tags", "hints", "see_also", "extra_setups"):
        if key in kwargs:
            kwargs[key] = tuple(kwargs[key])
    for key in ("tests", "equivalent_mutants"):
        if key in kwargs:
            kwargs[key] = tuple(kwargs[key])
    kwargs["solution"] = str(kwargs["solution"])
    return Question(**kwargs, wrong_answers=wrong, path=path, lines=top, content_hash=digest)


def _line_for(lines: dict[tuple, int], where: tuple) -> int:
    while where:
        if where in lines:
            return lines[where]
        where = where[:-1]
    return 1


def _check_id_matches_path(doc: dict, path: Path, root: Path | None, lines: dict[tuple, int]) -> None:
    """The id is the file's path in its bank: questions/sql/top-n.yaml holds sql/top-n."""
    qid = doc["id"]
    if root is not None:
        where = path.resolve().relative_to(root).with_suffix("").as_posix()
        if where != qid:
            raise BankError(f"id '{qid}' does not match the file's place in the bank ({where}); "
                            f"move the file to {qid}{path.suffix} or set id: {where}", path, lines.get(("id",), 1))
    elif path.stem != qid.rsplit("/", 1)[-1]:
        raise BankError(f"id '{qid}' does not match the file name; rename the file to "
                        f"{qid.rsplit('/', 1)[-1]}{path.suffix} or fix the id", path, lines.get(("id",), 1))
