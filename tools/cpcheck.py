# SPDX-FileCopyrightText: 2026 adafruit_netdev contributors
#
# SPDX-License-Identifier: MIT
"""The CircuitPython compatibility rules (docs/design.rst), checked on the source of the library
packages (``adafruit_netdev*``, ``net``)::

    python -m tools.cpcheck [FILE_OR_DIR ...]      # default: every library package

It prints one line per problem (``path:line: rule: message``) and exits 1 when there is any.

The rules catch what byte-compiling cannot: mpy-cross accepts any valid syntax, and a
missing module or method only fails on the board, at run time, often on a rare path.
A rule is a plain AST walk; where it needs a type it cannot know (``.pop`` on a
bytearray), it follows the names assigned a ``bytearray(...)`` in the same module.
"""

import ast
import pathlib
import sys

from tools import ROOT, library_sources

# Modules CircuitPython does not have. Some may be imported where a fallback exists: inside
# ``try: ... except ImportError``; a few only in the CPython-only module that needs them.
FORBIDDEN_MODULES = {
    "typing": "CircuitPython has no typing: import it inside try/except ImportError",
    "abc": "CircuitPython has no abc",
    "dataclasses": "CircuitPython has no dataclasses",
    "enum": "CircuitPython has no enum: use const() integers",
    "functools": "CircuitPython has no functools",
    "itertools": "CircuitPython has no itertools",
    "threading": "CircuitPython has no threading: use adafruit_netdev.make_lock()",
    "select": "select exists only on some CircuitPython builds",
    "socket": "CircuitPython has no socket module: go through a netdev",
    "ssl": "CircuitPython's ssl is not CPython's: TLS runs on the co-processor",
}
FALLBACK_OK = {"typing", "threading"}  # allowed inside try/except ImportError
# Modules that run on CPython only (Blinka on a Linux board): they may use CPython's socket
# and ssl and chain exceptions. They are left out of the CircuitPython bundle.
CPYTHON_ONLY = {
    "adafruit_netdev/host.py": {"socket", "ssl", "select", "threading"},
    "adafruit_netdev/_blinka.py": set(),
    "adafruit_netdev/_host_netif.py": {"socket"},  # the host netdev's radio calls (ICMP ping)
}

# Methods of CPython's builtin types that no builtin type of MicroPython (the unix port,
# 1.29) has. Calling one on a board is an AttributeError. Names the library packages define
# themselves are exempt (a method of our own class with the same name is fine).
MISSING_METHODS = {
    "as_integer_ratio", "bit_count", "bit_length", "capitalize", "casefold", "cast",
    "conjugate", "expandtabs", "format_map", "is_integer", "isalnum", "isascii", "isdecimal",
    "isidentifier", "isnumeric", "isprintable", "istitle", "ljust", "maketrans",
    "removeprefix", "removesuffix", "rjust", "swapcase", "title", "tobytes", "tolist",
    "toreadonly", "translate", "zfill",
}  # fmt: skip

# The errno names MicroPython and CircuitPython define (py/moderrno.c); others need a fallback:
# ``getattr(errno, "EPIPE", 32)``, as adafruit_netdev does for its constants.
BOARD_ERRNO = {
    "EACCES", "EADDRINUSE", "EAGAIN", "EALREADY", "EBADF", "ECONNABORTED", "ECONNREFUSED",
    "ECONNRESET", "EEXIST", "EHOSTUNREACH", "EINPROGRESS", "EINVAL", "EIO", "EISDIR", "ENOBUFS",
    "ENODEV", "ENOENT", "ENOMEM", "ENOTCONN", "EOPNOTSUPP", "EPERM", "ETIMEDOUT",
}  # fmt: skip

STRUCT_FUNCTIONS = {"pack", "pack_into", "unpack", "unpack_from", "calcsize", "iter_unpack"}
STRUCT_BAD_CODES = "?e="


class Problem:
    """One finding: where, which rule, and what to do."""

    def __init__(self, path, line, rule, message):
        self.path, self.line, self.rule, self.message = path, line, rule, message

    def __str__(self):
        return "%s:%d: %s: %s" % (self.path, self.line, self.rule, self.message)

    def __repr__(self):
        return "Problem(%r)" % str(self)


def _is_import_error_handler(handler):
    names = []
    if handler.type is None:
        return True
    for node in ast.walk(handler.type):
        if isinstance(node, ast.Name):
            names.append(node.id)
    return "ImportError" in names or "ModuleNotFoundError" in names or "Exception" in names


class _Checker(ast.NodeVisitor):
    def __init__(self, relpath, tree, source, own_names):
        self.relpath = relpath
        self.tree = tree
        self.source = source
        self.own_names = own_names
        self.problems = []
        self.fallback_depth = 0  # inside try bodies that catch ImportError
        self.function_depth = 0
        self.bytearray_names = set()
        self.strings = {}  # module-level NAME = "literal" (struct formats)
        self.struct_aliases = set()  # names imported with `from struct import pack, ...`
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                if isinstance(node.value.value, str):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            self.strings[target.id] = node.value.value
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                value = node.value
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                    if value.func.id == "bytearray":
                        for target in targets:
                            name = _dotted(target)
                            if name:
                                self.bytearray_names.add(name)

    def report(self, node, rule, message):
        self.problems.append(Problem(self.relpath, getattr(node, "lineno", 1), rule, message))

    # -- imports -------------------------------------------------------------------------------

    def _check_module(self, node, module):
        top = module.split(".")[0]
        if top == "netdev_emulator":
            self.report(
                node,
                "emulator-import",
                "the library never imports netdev_emulator: `python -m netdev_emulator run` "
                "binds a driver on a virtual co-processor from outside (NETDEV=bound)",
            )
        if top not in FORBIDDEN_MODULES:
            return
        if top in CPYTHON_ONLY.get(self.relpath, ()):
            return
        if top in FALLBACK_OK and self.fallback_depth:
            return
        self.report(node, "forbidden-import", "import %s: %s" % (module, FORBIDDEN_MODULES[top]))

    def visit_Import(self, node):
        for alias in node.names:
            self._check_module(node, alias.name)

    def visit_ImportFrom(self, node):
        module = node.module or ""
        if node.level == 0:
            self._check_module(node, module)
            if module == "struct":
                for alias in node.names:
                    if alias.name in STRUCT_FUNCTIONS:
                        self.struct_aliases.add(alias.asname or alias.name)
                    if alias.name == "Struct":
                        self.report(node, "struct", "struct.Struct does not exist in CircuitPython")
            if module == "time":
                for alias in node.names:
                    if alias.name == "monotonic":
                        self._monotonic(node)

    def visit_Try(self, node):
        catches = any(_is_import_error_handler(h) for h in node.handlers)
        if catches:
            self.fallback_depth += 1
        for child in node.body:
            self.visit(child)
        if catches:
            self.fallback_depth -= 1
        for child in node.handlers + node.orelse + node.finalbody:
            self.visit(child)

    visit_TryStar = visit_Try

    def _function(self, node):
        self.function_depth += 1
        self.generic_visit(node)
        self.function_depth -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    # -- language and library limits ---------------------------------------------------------------

    def visit_Raise(self, node):
        if node.cause is not None and self.relpath not in CPYTHON_ONLY:
            self.report(node, "raise-from", "'raise ... from ...': no exception chaining on small builds")
        self.generic_visit(node)

    def visit_Delete(self, node):
        for target in node.targets:
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
                self.report(
                    node,
                    "del-slice",
                    "'del x[a:b]' is not supported on bytearray: copy with slices instead",
                )
        self.generic_visit(node)

    def visit_ClassDef(self, node):
        for keyword in node.keywords:
            if keyword.arg == "metaclass":
                self.report(node, "metaclass", "metaclass= is not supported")
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init_subclass__":
                self.report(item, "init-subclass", "__init_subclass__ is never called")
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr == "monotonic" and _dotted(node.value) == "time":
            self._monotonic(node)
        if (
            _dotted(node.value) == "errno"
            and node.attr not in BOARD_ERRNO
            and self.relpath not in CPYTHON_ONLY
        ):
            self.report(
                node,
                "errno",
                "errno.%s does not exist on MicroPython/CircuitPython: use "
                "getattr(errno, %r, <linux number>) or the adafruit_netdev constant" % (node.attr, node.attr),
            )
        if node.attr in MISSING_METHODS and node.attr not in self.own_names:
            self.report(
                node, "missing-method", ".%s() does not exist in MicroPython/CircuitPython" % node.attr
            )
        self.generic_visit(node)

    def _monotonic(self, node):
        self.report(
            node,
            "monotonic",
            "time.monotonic() is a 32-bit float on CircuitPython: use adafruit_netdev.deadline()/"
            "expired()/remaining_ms() (adafruit_ticks)",
        )

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = _dotted(func.value)
            if func.attr == "pop" and owner in self.bytearray_names:
                self.report(node, "bytearray-pop", "bytearray has no pop() on MicroPython")
            if func.attr == "from_bytes" and _keyword_true(node, "signed"):
                self.report(
                    node,
                    "from-bytes-signed",
                    "int.from_bytes(..., signed=True) is unsupported: use struct.unpack",
                )
            if func.attr in ("decode", "encode") and _errors_argument(node):
                self.report(
                    node,
                    "codec-errors",
                    "MicroPython ignores the errors argument and raises UnicodeError",
                )
            if owner == "struct" and func.attr == "Struct":
                self.report(node, "struct", "struct.Struct does not exist in CircuitPython")
            if owner == "struct" and func.attr in STRUCT_FUNCTIONS:
                self._struct_format(node)
        elif isinstance(func, ast.Name) and func.id in self.struct_aliases:
            self._struct_format(node)
        self.generic_visit(node)

    def _struct_format(self, node):
        if not node.args:
            return
        fmt = node.args[0]
        text = None
        if isinstance(fmt, ast.Constant) and isinstance(fmt.value, str):
            text = fmt.value
        elif isinstance(fmt, ast.Name):
            text = self.strings.get(fmt.id)
        if text is None:
            return
        bad = sorted(set(text) & set(STRUCT_BAD_CODES))
        if bad:
            self.report(
                node,
                "struct",
                "struct format %r uses %s: CircuitPython's struct has no ? e =" % (text, " ".join(bad)),
            )


def _dotted(node):
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _keyword_true(call, name):
    for keyword in call.keywords:
        if keyword.arg == name:
            return not (isinstance(keyword.value, ast.Constant) and not keyword.value.value)
    return False


def _errors_argument(call):
    arg = None
    if len(call.args) >= 2:
        arg = call.args[1]
    for keyword in call.keywords:
        if keyword.arg == "errors":
            arg = keyword.value
    if arg is None:
        return False
    return not (isinstance(arg, ast.Constant) and arg.value == "strict")


def _module_rules(relpath, tree, source):
    problems = []
    head = source[:400]
    if "SPDX-FileCopyrightText:" not in head or "SPDX-License-Identifier: MIT" not in head:
        problems.append(
            Problem(relpath, 1, "spdx", "missing SPDX header (FileCopyrightText and License-Identifier: MIT)")
        )
    if ast.get_docstring(tree) is None:
        problems.append(Problem(relpath, 1, "docstring", "module has no docstring"))
    imports_const = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "micropython"
        and any(a.name == "const" for a in node.names)
        for node in tree.body
    )
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if not isinstance(target, ast.Name) or not target.id.lstrip("_").isupper():
            continue
        if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub):
            value = value.operand
        if isinstance(value, ast.Constant) and type(value.value) is int:
            problems.append(
                Problem(
                    relpath,
                    node.lineno,
                    "const",
                    "integer constant %s: write %s = const(%r)%s"
                    % (
                        target.id,
                        target.id,
                        ast.literal_eval(node.value),
                        "" if imports_const else " (from micropython import const)",
                    ),
                )
            )
    return problems


def own_names(files):
    """Every function and method name defined in ``files`` (exempt from missing-method)."""
    names = set()
    for path in files:
        tree = ast.parse(pathlib.Path(path).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names.add(node.name)
    return names


def check_source(relpath, source, defined=frozenset()):
    """The problems in one module's ``source``; ``relpath`` is its path from the repo root
    (``adafruit_netdev/host.py``), which decides the CPython-only exemptions."""
    try:
        tree = ast.parse(source, filename=relpath)
    except SyntaxError as exc:
        return [Problem(relpath, exc.lineno or 1, "syntax", exc.msg)]
    checker = _Checker(relpath, tree, source, set(defined) | own_names_in(tree))
    checker.visit(tree)
    return _module_rules(relpath, tree, source) + checker.problems


def own_names_in(tree):
    return {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def check(files=None, root=ROOT):
    """Check ``files`` (default: every library package source); returns the problems."""
    root = pathlib.Path(root)
    files = [pathlib.Path(f) for f in files] if files else library_sources(root)
    defined = own_names(library_sources(root))
    problems = []
    for path in files:
        path = path.resolve()
        try:
            relpath = path.relative_to(root).as_posix()
        except ValueError:
            relpath = path.as_posix()
        problems.extend(check_source(relpath, path.read_text(encoding="utf-8"), defined))
    return problems


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    files = []
    for arg in args:
        path = pathlib.Path(arg)
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    problems = check(files or None)
    for problem in problems:
        print(problem)
    if problems:
        print("%d problem(s): see docs/design.rst, CircuitPython compatibility" % len(problems))
        return 1
    print("CircuitPython compatibility check: no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
