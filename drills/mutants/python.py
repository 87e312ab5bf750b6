"""Python mutants: the reference's syntax tree (`ast`) with one mistake in it.

The operators are the slips interviews punish: `<` for `<=`, `==` for `!=`, `is` for
`is not`, a constant, a `range` bound, a slice bound or a returned count off by one,
`lo = mid` for `lo = mid + 1`, the lower middle for the upper one, `min` for `max`,
`nsmallest` for `nlargest`, `bisect_left` for `bisect_right`, a stack for a queue
(`pop` for `popleft`), a sort dropped or reversed, a condition dropped (an `if` always
taken, an `and` / `or` operand dropped), a negation dropped, `+=` for `-=`, and `//` for `/`.

Mutants are written with `ast.unparse`, which drops comments and normalises layout; the
baseline is the reference written the same way, so a diff shows only the change.
"""

from __future__ import annotations

import ast
import copy
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, TypeGuard

from drills.errors import DrillError
from drills.model import Question
from drills.mutants import Mutant

# takes the node in a fresh copy (of the type its operator matched), returns what replaces it (or itself)
Change = Callable[..., ast.AST]
Operators = Iterator[tuple[str, str, Change]]

if TYPE_CHECKING:
    class _IntConstant(ast.Constant):
        value: int


@lru_cache(maxsize=256)
def _parse(source: str) -> ast.Module:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError) as exc:
        raise DrillError(f"the reference cannot be parsed for mutants: {exc}") from None


def _preorder(node: ast.AST) -> Iterator[ast.AST]:
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _preorder(child)


def baseline(question: Question) -> str:
    """The reference as its mutants are written: the same tree, unparsed."""
    return ast.unparse(_parse(question.solution))


def mutants(question: Question, operators: tuple[Callable[..., Operators], ...] | None = None) -> list[Mutant]:
    """The mutants of the reference; `operators` replaces this module's own (a kind built on Python adds its own)."""
    tree = _parse(question.solution)
    base = ast.unparse(tree)
    facts = _Facts(tree)
    seen = {base}
    count: Counter[str] = Counter()
    out = []
    for node in list(_preorder(tree)):
        for operator, description, change in _operators(node, facts, operators or OPERATORS):
            count[operator] += 1
            source = facts.unparse_with(node, change(copy.deepcopy(node)))
            if source in seen:
                continue  # a no-op, or the same text as an earlier mutant
            seen.add(source)
            out.append(Mutant(f"{operator}#{count[operator]}", operator, description, source + "\n"))
    return out


class _Facts:
    """What some operators need to know about the whole reference."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.places: dict[int, tuple[ast.AST, str, int | None]] = {}  # parent, field, index in a list field
        self.counters: set[str] = set()  # names that hold integers: assigned 0, len(...), counted up
        for node in _preorder(tree):
            for name, value in ast.iter_fields(node):
                if isinstance(value, ast.AST):
                    self.places[id(value)] = (node, name, None)
                elif isinstance(value, list):
                    for i, item in enumerate(value):
                        if isinstance(item, ast.AST):
                            self.places[id(item)] = (node, name, i)
            if isinstance(node, ast.Assign) and _is_int_like(node.value):
                self.counters.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and _is_int(node.value):
                self.counters.add(node.target.id)

    def parent(self, node: ast.AST) -> ast.AST | None:
        place = self.places.get(id(node))
        return place[0] if place else None

    def unparse_with(self, node: ast.AST, new: ast.AST) -> str:
        """The reference with `new` in place of `node`, written out; the tree is left as it was."""
        parent, name, index = self.places[id(node)]
        if index is None:
            setattr(parent, name, new)
        else:
            getattr(parent, name)[index] = new
        try:
            return ast.unparse(self.tree)
        finally:
            if index is None:
                setattr(parent, name, node)
            else:
                getattr(parent, name)[index] = node


def _is_int(node: ast.AST | None) -> TypeGuard[_IntConstant]:
    return isinstance(node, ast.Constant) and type(node.value) is int


def _is_int_like(node: ast.AST) -> bool:
    return _is_int(node) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                             and node.func.id in ("len", "sum"))


def _operators(node: ast.AST, facts: _Facts, operators: tuple[Callable[..., Operators], ...]) -> Operators:
    for make in operators:
        yield from make(node, facts)


# --- helpers --------------------------------------------------------------------------------


def _shift(expr: ast.expr, delta: int) -> ast.expr:
    """`expr + delta`, folded where that reads naturally: 3 -> 4, n - 1 -> n, n + 1 -> n + 2."""
    expr = copy.deepcopy(expr)
    if _is_int(expr):
        return _number(expr.value + delta)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub) and _is_int(expr.operand):
        return _number(-expr.operand.value + delta)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Sub)) and _is_int(expr.right):
        value = expr.right.value if isinstance(expr.op, ast.Add) else -expr.right.value
        return _plus(expr.left, value + delta)
    return _plus(expr, delta)


def _plus(expr: ast.expr, value: int) -> ast.expr:
    if value == 0:
        return expr
    op: ast.operator = ast.Add() if value > 0 else ast.Sub()
    return ast.BinOp(left=expr, op=op, right=ast.Constant(abs(value)))


def _number(value: int) -> ast.expr:
    return ast.Constant(value) if value >= 0 else ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-value))


def _signed(delta: int) -> str:
    return "+1" if delta > 0 else "-1"


def _call_name(node: ast.AST) -> str | None:
    """`f` for `f(...)`, `heapq.f` for `heapq.f(...)`, `.f` for any other `x.f(...)`."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) and func.value.id in MODULES else ""
        return f"{owner}.{func.attr}"
    return None


MODULES = ("heapq", "bisect")


def _renamed(node: ast.Call, name: str) -> ast.Call:
    if isinstance(node.func, ast.Name):
        node.func.id = name
    elif isinstance(node.func, ast.Attribute):
        node.func.attr = name
    return node


# --- the operators: each yields (operator, description, change) for one node ----------------

COMPARISONS: dict[type, tuple[str, str, tuple[type, ...]]] = {
    ast.Lt: ("lt", "<", (ast.LtE, ast.Gt)),
    ast.LtE: ("le", "<=", (ast.Lt, ast.GtE)),
    ast.Gt: ("gt", ">", (ast.GtE, ast.Lt)),
    ast.GtE: ("ge", ">=", (ast.Gt, ast.LtE)),
    ast.Eq: ("eq", "==", (ast.NotEq,)),
    ast.NotEq: ("ne", "!=", (ast.Eq,)),
    ast.Is: ("is", "is", (ast.IsNot,)),
    ast.IsNot: ("is-not", "is not", (ast.Is,)),
    ast.In: ("in", "in", (ast.NotIn,)),
    ast.NotIn: ("not-in", "not in", (ast.In,)),
}


def comparison(node: ast.AST, facts: _Facts) -> Operators:
    """Each comparison operator made its neighbour: `<` / `<=`, `<` / `>`, `==` / `!=`, `is` / `is not`."""
    if not isinstance(node, ast.Compare):
        return
    for i, op in enumerate(node.ops):
        short, symbol, others = COMPARISONS[type(op)]
        for other in others:
            other_short, other_symbol, _ = COMPARISONS[other]

            def change(n: ast.Compare, i: int = i, other: type = other) -> ast.AST:
                n.ops[i] = other()
                return n

            yield f"{short}->{other_short}", f"{symbol} replaced by {other_symbol}", change


def constant(node: ast.AST, facts: _Facts) -> Operators:
    """An integer constant moved by one; a `+ 1` that disappears leaves `mid` for `mid + 1`.

    Bounds of `range` and slices have operators of their own, and `x += 1` never becomes
    `x += 0`, which only loops forever."""
    if not _is_int(node):
        return
    parent = facts.parent(node)
    if _range_call(parent) or isinstance(parent, ast.Slice) or isinstance(parent, ast.UnaryOp):
        return
    value: int = node.value
    for delta in (1, -1):
        if value + delta == 0 and (isinstance(parent, ast.AugAssign) or _added(parent, node)):
            continue  # `x += 0` only loops forever; `x + 0` is drop-plus-one's `x`
        yield (f"constant{_signed(delta)}", f"the constant {value} made {value + delta}",
               lambda n, v=value + delta: ast.Constant(v))


def _added(parent: ast.AST | None, node: ast.AST) -> bool:
    return isinstance(parent, ast.BinOp) and parent.right is node and isinstance(parent.op, (ast.Add, ast.Sub))


def _op_text(op: ast.operator) -> str:
    return "+" if isinstance(op, ast.Add) else "-"


def negative_constant(node: ast.AST, facts: _Facts) -> Operators:
    """A negative integer constant (`-1`) moved by one."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _is_int(node.operand):
        parent = facts.parent(node)
        if _range_call(parent) or isinstance(parent, ast.Slice):
            return
        value = -node.operand.value
        for delta in (1, -1):
            yield (f"constant{_signed(delta)}", f"the constant {value} made {value + delta}",
                   lambda n, v=value + delta: _number(v))


def add_zero(node: ast.AST, facts: _Facts) -> Operators:
    """`x + 1` and `x - 1` made `x`: the off-by-one of `lo = mid + 1` and `hi = mid - 1`."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)) and _is_int(node.right) \
            and node.right.value == 1 and not _range_call(facts.parent(node)) \
            and not isinstance(facts.parent(node), ast.Slice):
        yield ("drop-plus-one" if isinstance(node.op, ast.Add) else "drop-minus-one",
               f"{_op_text(node.op)} 1 dropped", lambda n: n.left)


def _range_call(node: ast.AST | None) -> bool:
    return node is not None and _call_name(node) == "range"


def range_bounds(node: ast.AST, facts: _Facts) -> Operators:
    """`range`'s start and stop moved by one (an implicit start of 0 only up, to 1)."""
    if not isinstance(node, ast.Call) or _call_name(node) != "range" or node.keywords or not 1 <= len(node.args) <= 3:
        return
    args = node.args
    for delta in (1, -1):
        if len(args) == 1 and delta > 0:
            yield ("range-start+1", "range starts at 1 instead of 0",
                   lambda n: _with_args(n, [ast.Constant(1), n.args[0]]))
        elif len(args) > 1:
            yield (f"range-start{_signed(delta)}", f"range's start moved by {delta:+d}",
                   lambda n, d=delta: _with_args(n, [_shift(n.args[0], d), *n.args[1:]]))
    stop = 0 if len(args) == 1 else 1
    for delta in (1, -1):
        yield (f"range-stop{_signed(delta)}", f"range's stop moved by {delta:+d}",
               lambda n, d=delta, s=stop: _with_args(n, [*n.args[:s], _shift(n.args[s], d), *n.args[s + 1:]]))


def _with_args(node: ast.Call, args: list[ast.expr]) -> ast.Call:
    node.args = args
    return node


def slice_bounds(node: ast.AST, facts: _Facts) -> Operators:
    """A slice's bounds moved by one (an absent lower bound only up, to 1)."""
    if not isinstance(node, ast.Slice) or node.step is not None:
        return
    for end in ("lower", "upper"):
        bound = getattr(node, end)
        for delta in (1, -1):
            if bound is None and (end == "upper" or delta < 0):
                continue

            def change(n: ast.AST, end: str = end, delta: int = delta) -> ast.AST:
                old = getattr(n, end)
                setattr(n, end, _shift(old if old is not None else ast.Constant(0), delta))
                return n

            yield f"slice-{end}{_signed(delta)}", f"a slice's {end} bound moved by {delta:+d}", change


SWAPS = {
    "min": "max", "max": "min",
    "heapq.nsmallest": "nlargest", "heapq.nlargest": "nsmallest",
    "bisect_left": "bisect_right", "bisect_right": "bisect_left",
    "bisect.bisect_left": "bisect_right", "bisect.bisect_right": "bisect_left",
    ".popleft": "pop",
}


def swapped_call(node: ast.AST, facts: _Facts) -> Operators:
    """`min` / `max`, `nsmallest` / `nlargest`, `bisect_left` / `bisect_right`, `popleft` made `pop`."""
    name = _call_name(node)
    if isinstance(node, ast.Call) and name in SWAPS and not (name == ".popleft" and node.args):
        short = name.rsplit(".", 1)[-1]
        other = SWAPS[name]
        yield (f"{short}->{other}", f"{short} replaced by {other}",
               lambda n, o=other: _renamed(n, o))


def sorting(node: ast.AST, facts: _Facts) -> Operators:
    """`sorted(x)` made `x`, `x.sort()` dropped, and the sort's `reverse=` flipped."""
    name = _call_name(node)
    if not isinstance(node, ast.Call) or name not in ("sorted", ".sort"):
        return
    if name == "sorted" and len(node.args) == 1:
        yield "drop-sorted", "sorted(x) replaced by x", lambda n: n.args[0]
    reverse = next((k for k in node.keywords if k.arg == "reverse"), None)
    if reverse is None:
        yield ("add-reverse", "the sort made descending (reverse=True)",
               lambda n: _with_keyword(n, "reverse", ast.Constant(True)))
    elif isinstance(reverse.value, ast.Constant):
        flag = reverse.value.value
        yield ("flip-reverse", f"the sort's reverse={flag!r} flipped",
               lambda n: _with_keyword(n, "reverse", ast.Constant(not flag)))


def _with_keyword(node: ast.Call, name: str, value: ast.expr) -> ast.Call:
    node.keywords = [k for k in node.keywords if k.arg != name] + [ast.keyword(arg=name, value=value)]
    return node


def drop_sort_statement(node: ast.AST, facts: _Facts) -> Operators:
    if isinstance(node, ast.Expr) and _call_name(node.value) == ".sort":
        yield "drop-sort", "the call to .sort() dropped", lambda n: ast.Pass()


def condition(node: ast.AST, facts: _Facts) -> Operators:
    """An `if` (or `elif`) always taken, and each operand of an `and` / `or` dropped."""
    if isinstance(node, ast.If) and not (isinstance(node.test, ast.Constant) and node.test.value is True):
        word = "elif" if _is_elif(node, facts) else "if"
        yield "if-true", f"the {word} condition made always true", lambda n: _with_test(n)
    if isinstance(node, ast.BoolOp):
        word = "and" if isinstance(node.op, ast.And) else "or"
        for i in range(len(node.values)):
            yield (f"drop-{word}-operand", f"an operand of `{word}` dropped",
                   lambda n, i=i: _without(n, i))


def _with_test(node: ast.If) -> ast.AST:
    node.test = ast.Constant(True)
    return node


def _is_elif(node: ast.If, facts: _Facts) -> bool:
    parent = facts.parent(node)
    return isinstance(parent, ast.If) and parent.orelse == [node]


def _without(node: ast.BoolOp, i: int) -> ast.expr:
    rest = [v for j, v in enumerate(node.values) if j != i]
    if len(rest) == 1:
        return rest[0]
    node.values = rest
    return node


def negation(node: ast.AST, facts: _Facts) -> Operators:
    """A unary minus on a name or expression dropped (the max-heap built of negated values)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and not _is_int(node.operand):
        yield "drop-negation", "a unary minus dropped", lambda n: n.operand


def augmented(node: ast.AST, facts: _Facts) -> Operators:
    """`+=` and `-=` swapped."""
    if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
        add = isinstance(node.op, ast.Add)
        yield ("add-assign->sub-assign" if add else "sub-assign->add-assign",
               f"{'+=' if add else '-='} replaced by {'-=' if add else '+='}",
               lambda n: _with_op(n, ast.Sub() if add else ast.Add()))


def _with_op(node: ast.BinOp | ast.AugAssign, op: ast.operator) -> ast.AST:
    node.op = op
    return node


def division(node: ast.AST, facts: _Facts) -> Operators:
    """`//` and `/` swapped; `(lo + hi) // 2` made the upper middle `(lo + hi + 1) // 2`."""
    if not isinstance(node, (ast.BinOp, ast.AugAssign)):
        return
    if isinstance(node.op, ast.FloorDiv):
        yield "floordiv->div", "// replaced by /", lambda n: _with_op(n, ast.Div())
        left = node.left if isinstance(node, ast.BinOp) else None
        if isinstance(left, ast.BinOp) and isinstance(left.op, ast.Add) and not _is_int(left.right) \
                and isinstance(node, ast.BinOp) and _is_int(node.right) and node.right.value == 2:
            yield ("upper-middle", "the lower middle (a + b) // 2 made the upper (a + b + 1) // 2",
                   lambda n: _with_left(n, _plus(n.left, 1)))
    elif isinstance(node.op, ast.Div):
        yield "div->floordiv", "/ replaced by //", lambda n: _with_op(n, ast.FloorDiv())


def _with_left(node: ast.BinOp, left: ast.expr) -> ast.BinOp:
    node.left = left
    return node


def returned(node: ast.AST, facts: _Facts) -> Operators:
    """A returned counter off by one: `return count` made `return count + 1` / `- 1`."""
    if isinstance(node, ast.Return) and isinstance(node.value, ast.Name) and node.value.id in facts.counters:
        for delta in (1, -1):
            yield (f"return{_signed(delta)}", f"the returned {node.value.id} moved by {delta:+d}",
                   lambda n, d=delta: _with_value(n, _plus(n.value, d)))


def _with_value(node: ast.Return, value: ast.expr) -> ast.AST:
    node.value = value
    return node


OPERATORS = (comparison, constant, negative_constant, add_zero, range_bounds, slice_bounds, swapped_call, sorting,
             drop_sort_statement, condition, negation, augmented, division, returned)
