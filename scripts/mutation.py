"""Mutation testing: change one small thing in a module, run its tests, see whether they notice.

    .venv/bin/python scripts/mutation.py                      # the modules listed in MODULES
    .venv/bin/python scripts/mutation.py moderation/services.py
    .venv/bin/python scripts/mutation.py path/to/module.py=path/to/test_a.py,path/to/test_b.py
    .venv/bin/python scripts/mutation.py moderation/services.py --lines 250-330 --only-callers

Each mutant is one AST change (a comparison flipped, a statement dropped, a keyword argument
removed, an element left out of a literal, a constant altered, ...). The mutated module is served
from memory by an import hook in a forked child, so the source files are never touched and an
interrupted run leaves nothing behind; the child runs only the module's own tests with `-x` on
SQLite. A mutant is killed when those tests fail (or hang past the timeout). The score is
killed / mutants; the survivors are printed with the line they change.

`--only-callers` runs, for a mutant inside a module-level function, only the tests that called
that function in the unmutated run (a change there cannot alter a test that never calls it);
mutants outside functions (constants, classes, which act at import) still get every test.

Not part of CI: it takes minutes. Not a unit under test either (it is a developer tool).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import difflib
import importlib.abc
import importlib.util
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATABASE: TestDatabase

# Each module and the test files that own its behaviour, fastest and most specific first.
MODULES = {
    "moderation/services.py": [
        "moderation/tests/test_bulk_decisions.py",
        "moderation/tests/test_staff_replies.py",
        "moderation/tests/test_conflict_messages.py",
        "moderation/tests/test_decision_history.py",
        "moderation/tests/test_admin.py",
        "moderation/tests/test_desk_actions.py",
        "moderation/tests/test_services.py",
        "moderation/tests/test_rule_decisions.py",
        "moderation/tests/test_source_decisions.py",
    ],
    "articles/importers/comment_rows.py": [
        "articles/tests/test_import_rows.py",
        "articles/tests/test_import_rules.py",
        "articles/tests/test_import_plaintext.py",
        "moderation/tests/test_hostile_editor.py",
    ],
    "articles/sanitize.py": [
        "articles/tests/test_sanitize.py",
        "articles/tests/test_sanitize_links.py",
        "articles/tests/test_sanitize_reader_text.py",
        "articles/tests/test_sanitize_report.py",
        "articles/tests/test_public_sanitize_again.py",
        "articles/tests/test_import_plaintext.py",
        "articles/tests/test_import_rules.py",
    ],
    "moderation/triage/words.py": [
        "moderation/tests/test_triage_words.py",
        "moderation/tests/test_triage_rules.py",
    ],
    "moderation/triage/evidence.py": [
        "moderation/tests/test_triage_words_links.py",
        "moderation/tests/test_triage_rules.py",
    ],
}

COMPARE_SWAPS = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BINOP_SWAPS = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.Mult,
    ast.BitOr: ast.BitAnd,
    ast.BitAnd: ast.BitOr,
}


class Mutator(ast.NodeTransformer):
    """Numbers every possible mutation in visiting order; applies only the `target`-th.

    Children are visited before their parent offers its own mutations, so the numbering is
    the same whether or not a mutation is applied.
    """

    def __init__(self, target: int | None = None):
        self.target = target
        self.count = 0
        self.found: list[tuple[int, str]] = []  # (line, description) when enumerating
        self.skip: set[int] = set()  # ids of nodes never mutated (docstrings, annotations)

    def offer(self, node: ast.AST, description: str, make):
        index = self.count
        self.count += 1
        if self.target is None:
            self.found.append((getattr(node, "lineno", 0), description))
        elif index == self.target:
            return make()
        return None

    def offer_each_removal(self, node, items: list, describe):
        """One mutation per item of `items` (a list inside `node`): that item left out.
        `describe(item)` names the mutation, or is falsy for an item to keep."""
        for i, item in enumerate(items):
            description = describe(item)
            if not description:
                continue

            def make(i=i):
                del items[i]
                return node

            mutated = self.offer(item, description, make)
            if mutated is not None:
                return mutated
        return None

    def visit(self, node):
        if id(node) in self.skip:
            return node
        return super().visit(node)

    # -- what is never mutated -------------------------------------------------------------

    def skip_docstring(self, body: list[ast.stmt]) -> None:
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self.skip.add(id(body[0]))

    def visit_Module(self, node):
        self.skip_docstring(node.body)
        return self.generic_visit(node)

    def visit_ClassDef(self, node):
        self.skip_docstring(node.body)
        return self.generic_visit(node)

    def visit_ImportFrom(self, node):
        return node

    def visit_Import(self, node):
        return node

    def visit_arg(self, node):
        return node  # annotations

    def visit_AnnAssign(self, node):
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_JoinedStr(self, node):
        # f-strings: only the interpolated expressions, not the literal parts.
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                value.value = self.visit(value.value)
        return node

    # -- functions -------------------------------------------------------------------------

    def visit_FunctionDef(self, node):
        # The return annotation is left alone; defaults, body and decorators are mutated.
        self.skip_docstring(node.body)
        node.args = self.visit_arguments(node.args)
        node.body = self.visit_body(node.body)
        dropped = self.offer_each_removal(
            node, node.decorator_list, lambda d: f"drop decorator @{ast.unparse(d)}"
        )
        return dropped or node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_arguments(self, node):
        node.defaults = [self.visit(d) for d in node.defaults]
        node.kw_defaults = [d if d is None else self.visit(d) for d in node.kw_defaults]
        return node

    def visit_body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        return [self.visit(stmt) for stmt in body]

    # -- statements ------------------------------------------------------------------------

    def drop_statement(self, node):
        self.generic_visit(node)
        line = ast.unparse(node).splitlines()[0]
        return self.offer(node, f"delete `{line}`", lambda: ast.Pass()) or node

    visit_Expr = drop_statement
    visit_AugAssign = drop_statement
    visit_Raise = drop_statement

    def visit_Assign(self, node):
        self.generic_visit(node)
        at_module_level = node.col_offset == 0
        if at_module_level:  # a module constant cannot go; its value is mutated instead
            return node
        return self.drop_statement_already_visited(node)

    def drop_statement_already_visited(self, node):
        line = ast.unparse(node).splitlines()[0]
        return self.offer(node, f"delete `{line}`", lambda: ast.Pass()) or node

    def visit_Return(self, node):
        self.generic_visit(node)
        if node.value is None or (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            return node
        return self.offer(node, "return None", lambda: ast.Return(value=ast.Constant(None))) or node

    def visit_If(self, node):
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return node  # imports for type hints only: nothing runs differently
        self.generic_visit(node)
        return self.negate_test(node)

    visit_While = visit_If

    def visit_IfExp(self, node):
        self.generic_visit(node)
        return self.negate_test(node)

    def negate_test(self, node):
        def make():
            node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
            return node

        return self.offer(node, f"negate `{ast.unparse(node.test)}`", make) or node

    # -- expressions -----------------------------------------------------------------------

    def visit_Compare(self, node):
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = COMPARE_SWAPS.get(type(op))
            if swap is None:
                continue

            def make(i=i, swap=swap):
                node.ops[i] = swap()
                return node

            label = f"{type(op).__name__} -> {swap.__name__}"
            mutated = self.offer(node, label, make)
            if mutated is not None:
                return mutated
        return node

    def visit_BoolOp(self, node):
        self.generic_visit(node)
        swap = ast.Or if isinstance(node.op, ast.And) else ast.And

        def make():
            node.op = swap()
            return node

        return self.offer(node, f"{type(node.op).__name__} -> {swap.__name__}", make) or node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return self.offer(node, "drop `not`", lambda: node.operand) or node
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        swap = BINOP_SWAPS.get(type(node.op))
        if swap is None:
            return node

        def make():
            node.op = swap()
            return node

        return self.offer(node, f"{type(node.op).__name__} -> {swap.__name__}", make) or node

    def visit_Constant(self, node):
        value = node.value
        if isinstance(value, bool):
            return (
                self.offer(node, f"{value} -> {not value}", lambda: ast.Constant(not value)) or node
            )
        if isinstance(value, int | float):
            return (
                self.offer(node, f"{value} -> {value + 1}", lambda: ast.Constant(value + 1)) or node
            )
        if isinstance(value, str):
            new = f"XX{value}XX"
            return self.offer(node, f"{value!r} -> {new!r}", lambda: ast.Constant(new)) or node
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        dropped = self.offer_each_removal(
            node, node.keywords, lambda k: k.arg and f"drop keyword {k.arg}="
        )
        if dropped is not None:
            return dropped
        method = node.func
        if isinstance(method, ast.Attribute) and not node.args and not node.keywords:
            label = f"drop call .{method.attr}()"
            return self.offer(node, label, lambda: method.value) or node
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        if isinstance(node.slice, ast.Slice) and isinstance(node.ctx, ast.Load):
            return (
                self.offer(node, f"drop slice [{ast.unparse(node.slice)}]", lambda: node.value)
                or node
            )
        return node

    def drop_element(self, node):
        if not isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
            return self.generic_visit(node)
        # A listed string is mutated by leaving it out, not also by misspelling it.
        for element in node.elts:
            if isinstance(element, ast.Constant) and isinstance(element.value, str):
                self.skip.add(id(element))
        self.generic_visit(node)
        dropped = self.offer_each_removal(
            node,
            node.elts,
            lambda e: not isinstance(e, ast.Starred) and f"leave out element {ast.unparse(e)}",
        )
        return dropped or node

    visit_List = drop_element
    visit_Set = drop_element
    visit_Tuple = drop_element

    def visit_Dict(self, node):
        # Keys are names, not behaviour: only values are mutated, and each can become None.
        node.values = [self.visit(v) for v in node.values]
        for i, (key, value) in enumerate(zip(node.keys, node.values, strict=True)):
            if key is None or (isinstance(value, ast.Constant) and value.value is None):
                continue

            def make(i=i):
                node.values[i] = ast.Constant(None)
                return node

            mutated = self.offer(node, f"{ast.unparse(key)}: None", make)
            if mutated is not None:
                return mutated
        return node


@dataclass
class Mutant:
    index: int
    line: int
    description: str
    source: str = ""
    diff: list[str] = field(default_factory=list)


def mutants_of(path: Path) -> tuple[str, list[Mutant]]:
    """The module's source as the interpreter sees it, and every distinct mutant of it."""
    original_tree = ast.parse(path.read_text(encoding="utf-8"))
    baseline = ast.unparse(original_tree)
    enumerator = Mutator()
    enumerator.visit(copy.deepcopy(original_tree))
    mutants, seen = [], {baseline}
    for index, (line, description) in enumerate(enumerator.found):
        tree = Mutator(target=index).visit(copy.deepcopy(original_tree))
        source = ast.unparse(ast.fix_missing_locations(tree))
        if source in seen:  # the same program as the original or as an earlier mutant
            continue
        seen.add(source)
        diff = [
            d
            for d in difflib.unified_diff(baseline.splitlines(), source.splitlines(), n=0)
            if d[:1] in "+-" and not d.startswith(("+++", "---"))
        ]
        mutants.append(Mutant(index, line, description, source, diff))
    return baseline, mutants


class ServeSource(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers the import of one module with the given source instead of its file."""

    def __init__(self, name: str, path: Path, source: str):
        self.name, self.path, self.source = name, path, source

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        return importlib.util.spec_from_file_location(fullname, self.path, loader=self)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(compile(self.source, str(self.path), "exec"), module.__dict__)  # noqa: S102


class TestDatabase:
    """One migrated SQLite file made by the unmutated run; each mutant's run gets a copy,
    so no child spends a second migrating and none sees what another left behind."""

    def __init__(self):
        from config.settings import test as settings  # no app code: safe to import once here

        self.folder = Path(tempfile.mkdtemp(prefix="mutation-"))
        self.template, self.copy = self.folder / "template.sqlite3", self.folder / "run.sqlite3"
        self.settings = settings.DATABASES["default"]

    def pytest_args(self, *, fresh: bool) -> list[str]:
        if fresh:
            self.settings["TEST"] = {"NAME": str(self.template)}
            return ["--reuse-db", "--create-db"]
        if self.template.exists():  # tests that never touch the database make none
            shutil.copyfile(self.template, self.copy)
        self.settings["TEST"] = {"NAME": str(self.copy)}
        return ["--reuse-db"]

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


class CallRecorder:
    """A pytest plugin for the unmutated run: which functions of one file each test calls.

    Only "call" events are traced (no line tracing), and only while a test runs, so the
    functions called at import time are not attributed to any test.
    """

    def __init__(self, filename: str):
        self.filename = filename
        self.current = ""
        self.calls: dict[str, set[int]] = {}  # test id -> first lines of the code it ran

    def trace(self, frame, event, arg):
        if event == "call" and frame.f_code.co_filename == self.filename:
            self.calls[self.current].add(frame.f_code.co_firstlineno)

    def pytest_runtest_protocol(self, item, nextitem):
        self.current = item.nodeid
        self.calls[item.nodeid] = set()
        sys.settrace(self.trace)
        threading.settrace(self.trace)

    def pytest_runtest_logfinish(self, nodeid, location):
        sys.settrace(None)
        threading.settrace(None)

    def save(self, file: Path) -> None:
        file.write_text(json.dumps({test: sorted(lines) for test, lines in self.calls.items()}))


def run_tests(
    name: str,
    path: Path,
    source: str | None,
    tests: list[str],
    timeout: float,
    record_calls: Path | None = None,
):
    """Fork; in the child serve `source` for module `name` and run the tests. (rc, seconds).

    With `record_calls`, the child writes there which tests call which of the module's
    functions (see CallRecorder)."""
    import pytest

    started = time.monotonic()
    db_args = DATABASE.pytest_args(fresh=source is None)
    pid = os.fork()
    if pid == 0:  # the child
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            if source is not None:
                sys.meta_path.insert(0, ServeSource(name, path, source))
            recorder = CallRecorder(str(path)) if record_calls else None
            args = ["-x", "-q", "-p", "no:cacheprovider", "-m", "not browser", *db_args, *tests]
            code = pytest.main(args, plugins=[recorder] if recorder else [])
            if recorder:
                recorder.save(record_calls)
        except BaseException:
            code = 99
        os._exit(int(code))
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), time.monotonic() - started
        if time.monotonic() - started > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", time.monotonic() - started
        time.sleep(0.02)


# Imported once here so that each forked child starts with them: none imports project code.
PRELOAD = [
    "pytest",
    "pytest_django.plugin",
    "django.test",
    "django.db.models",
    "django.core.management",
    "django.db.migrations.loader",
    "django.contrib.admin.options",
    "crispy_forms.helper",
    "nh3",
    "defusedxml.ElementTree",
]


def preload() -> None:
    import importlib

    for name in PRELOAD:
        with contextlib.suppress(Exception):  # an optional speed-up, never a reason to stop
            importlib.import_module(name)


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def function_spans(file: Path) -> list[range]:
    """The lines of each module-level function, its decorators included."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    return [
        range(min([node.lineno] + [d.lineno for d in node.decorator_list]), node.end_lineno + 1)
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def callers(mutant: Mutant, spans: list[range], calls: dict[str, list[int]], tests: list[str]):
    """The tests that call the function the mutant is in, in the order they ran; all `tests`
    for a mutant outside any function (module constants, classes: they act at import)."""
    span = next((s for s in spans if mutant.line in s), None)
    if span is None:
        return tests
    return [test for test, firsts in calls.items() if any(first in span for first in firsts)]


def mutate_module(
    path: str,
    tests: list[str],
    verbose: bool,
    lines: set[int] | None = None,
    only_callers: bool = False,
) -> tuple[int, list[Mutant]]:
    """Run every mutant of one module (or those on `lines`); returns (mutants, survivors)."""
    name, file = module_name(path), REPO / path
    _, mutants = mutants_of(file)
    if lines:
        mutants = [m for m in mutants if m.line in lines]
    record = DATABASE.folder / "calls.json" if only_callers else None
    rc, seconds = run_tests(name, file, None, tests, timeout=600, record_calls=record)
    if rc != 0:
        sys.exit(f"{path}: its tests fail without any mutation (exit {rc}); fix them first.")
    timeout = max(30.0, seconds * 5)
    print(f"{path}: {len(mutants)} mutants, tests take {seconds:.1f}s unmutated", flush=True)
    calls, spans = (json.loads(record.read_text()), function_spans(file)) if record else ({}, [])
    survivors = []
    for n, mutant in enumerate(mutants, 1):
        selected = callers(mutant, spans, calls, tests) if record else tests
        if not selected:  # no test calls this function: nothing can notice the change
            rc = 0
        else:
            rc, _ = run_tests(name, file, mutant.source, selected, timeout)
        if rc == 0:
            survivors.append(mutant)
        if verbose or rc == 0:
            verdict = "SURVIVED" if rc == 0 else f"killed ({rc})"
            print(f"  [{n}/{len(mutants)}] L{mutant.line} {mutant.description}: {verdict}")
        elif n % 25 == 0:
            print(f"  [{n}/{len(mutants)}] {len(survivors)} survived so far", flush=True)
    return len(mutants), survivors


def parse_lines(text: str) -> set[int]:
    """ "14,55,100-120" -> those line numbers."""
    lines = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


def parse_targets(args: list[str]) -> dict[str, list[str]]:
    if not args:
        return MODULES
    targets = {}
    for arg in args:
        path, _, tests = arg.partition("=")
        if tests:
            targets[path] = tests.split(",")
        elif path in MODULES:
            targets[path] = MODULES[path]
        else:
            sys.exit(f"{path}: name its tests, as {path}=path/to/test_a.py,path/to/test_b.py")
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module.py or module.py=test_a.py,test_b.py")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mutant")
    parser.add_argument(
        "--lines", help="only the mutants on these lines, as 14,55,100-120 (to re-check survivors)"
    )
    parser.add_argument(
        "--only-callers",
        action="store_true",
        help="run for each mutant only the tests that call its function (recorded in the "
        "unmutated run); much faster for a module whose functions each few tests call",
    )
    options = parser.parse_args()
    os.chdir(REPO)
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.pop("DATABASE_URL", None)  # SQLite: fast, and no shared server touched
    targets = parse_targets(options.modules)
    if options.list:
        for path in targets:
            for mutant in mutants_of(REPO / path)[1]:
                print(f"{path}:{mutant.line} {mutant.description}")
        return
    global DATABASE
    DATABASE = TestDatabase()
    # A stopped run still removes its database files (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    preload()
    scores = []
    try:
        for path, tests in targets.items():
            started = time.monotonic()
            lines = parse_lines(options.lines) if options.lines else None
            total, survivors = mutate_module(
                path, tests, options.verbose, lines, options.only_callers
            )
            minutes = (time.monotonic() - started) / 60
            scores.append((path, total, survivors, minutes))
    finally:
        DATABASE.remove()
    print("\nmodule                                   mutants  killed  score  minutes")
    for path, total, survivors, minutes in scores:
        killed = total - len(survivors)
        score = 100 * killed / total if total else 100.0
        print(f"{path:<40} {total:>7} {killed:>7} {score:>5.1f}% {minutes:>7.1f}")
    for path, _, survivors, _ in scores:
        if survivors:
            print(f"\nSurvivors in {path}:")
        for mutant in survivors:
            print(f"  line {mutant.line}: {mutant.description}")
            for line in mutant.diff[:4]:
                print(f"      {line.strip() if len(line) < 150 else line[:150] + '…'}")


if __name__ == "__main__":
    main()
