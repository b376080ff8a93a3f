"""Static check of the code a student may edit, before the grader runs it next to the hidden tests.

An allowlist of imports and a denylist of names, attributes and definitions that let a cell change how
later cells run or are scored (IPython's machinery, builtins, the libraries the tests use, exits,
always-equal objects...). It is a first line of defence: the sandbox (launch.py) bounds what a bypass can do
and the runtime guard (guard.py) checks the interpreter's state around every test cell.
"""
from __future__ import annotations

import ast
import builtins
import symtable
from dataclasses import dataclass

ALLOWED_MODULES = frozenset({
    "__future__", "torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.nn.utils",
    "torch.linalg", "torch.fft", "torch.optim", "torch.optim.lr_scheduler", "torch.utils", "torch.utils.data",
    "torch.distributions", "math", "numpy", "numpy.linalg", "numpy.random", "typing", "dataclasses",
    "collections", "collections.abc", "itertools", "functools", "random", "statistics", "re", "string",
    "enum", "abc", "copy", "operator", "time",
})
# names a student's code may not use at all (unless it binds them itself inside a function)
DENIED_NAMES = frozenset({
    "get_ipython", "exec", "eval", "compile", "__import__", "open", "globals", "locals", "vars", "dir",
    "delattr", "exit", "quit", "breakpoint", "input", "help", "memoryview", "display", "__builtins__",
    "sys", "os", "builtins", "importlib", "ctypes", "gc", "inspect", "subprocess", "signal", "threading",
    "multiprocessing", "socket", "asyncio", "pickle", "shutil", "pathlib", "io", "tempfile", "IPython",
    "SystemExit", "KeyboardInterrupt", "BaseException", "GeneratorExit", "BaseExceptionGroup",
    "__loader__", "__spec__", "__file__",
})
# attributes no student code may read or write, on any object: ways out to the interpreter, the
# file system, native code and the libraries' dangerous entry points
DENIED_ATTRIBUTES = frozenset({
    "sys", "os", "builtins", "importlib", "subprocess", "ctypes", "gc", "inspect", "signal", "threading",
    "multiprocessing", "socket", "pickle", "shutil", "pathlib", "io", "tempfile", "warnings", "logging",
    "hub", "jit", "compile", "library", "ops", "distributed", "cpp_extension", "ctypeslib", "_C",
    "load", "save", "fromfile", "tofile", "loadtxt", "savetxt", "genfromtxt", "memmap", "from_file",
    "open", "system", "popen", "spawn", "fork", "kill", "environ", "exec", "eval", "format_map",
    "f_globals", "f_locals", "f_back", "f_builtins", "gi_frame", "cr_frame", "ag_frame", "tb_frame",
    "tb_next", "func_globals", "register_backward_hook", "set_printoptions", "run_cell", "events",
})
ALLOWED_DUNDER_ATTRIBUTES = frozenset({"__init__"})  # super().__init__(...)
ALLOWED_DUNDER_METHODS = frozenset({"__init__", "__post_init__"})
# classes whose subclasses could pass a type check with a fake value
DENIED_BASES = frozenset({"int", "float", "bool", "str", "bytes", "complex", "type", "tuple", "list",
                          "dict", "set", "frozenset", "object", "Tensor", "Parameter", "ndarray",
                          "BaseException", "KeyboardInterrupt", "SystemExit", "GeneratorExit", "ABCMeta"})
ATTRIBUTE_FUNCTIONS = ("getattr", "setattr", "hasattr")
BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass(frozen=True)
class Violation:
    line: int
    construct: str
    why: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.construct}: {self.why}"


@dataclass
class TrustedNames:
    """What the instructor's (locked) cells define: the student may not rebind or patch these."""
    names: set[str]
    imports: dict[str, str]  # name -> the module path it was imported as, e.g. "F" -> "torch.nn.functional"

    @classmethod
    def from_sources(cls, sources: list[str]) -> "TrustedNames":
        """Protect what the instructor's cells import, and every name a later trusted cell reads
        without binding it first (a helper a hidden test defines and a later one uses)."""
        bound, imports, read_from_outside = set(), {}, set()
        for source in sources:
            python = _ipython_to_python(source)
            try:
                tree = ast.parse(python)
            except SyntaxError:
                continue
            here = set()
            for node in tree.body:
                for name, path in _module_bindings(node):
                    here.add(name)
                    if path:
                        imports[name] = path
            read_from_outside |= (_global_reads(python) - here) & bound
            bound |= here
        return cls(set(imports) | read_from_outside, imports)


def _global_reads(source: str) -> set[str]:
    """Names a cell reads from the notebook's namespace: everything its top level reads, and what its
    functions, classes and comprehensions read without binding it themselves. A parameter `x` of a helper
    is the helper's own, so a student's top-level `x = ...` cannot change what that helper sees."""
    try:
        table = symtable.symtable(source, "<cell>", "exec")
    except SyntaxError:
        return set()
    found: set[str] = set()

    def walk(scope: symtable.SymbolTable, top: bool) -> None:
        for sym in scope.get_symbols():
            if sym.is_referenced() and (top or sym.is_global()):
                found.add(sym.get_name())
        for child in scope.get_children():
            walk(child, False)

    walk(table, True)
    return found


def _ipython_to_python(source: str) -> str:
    """The Python IPython really runs for a cell (magics become get_ipython() calls, which are denied)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        return TransformerManager().transform_cell(source)
    except Exception:  # IPython missing or the cell cannot be transformed: parse it as it is
        return source


def _import_bindings(node) -> list[tuple[str, str]]:
    """(bound name, imported module path) of an import statement."""
    if isinstance(node, ast.Import):
        return [(a.asname or a.name.split(".")[0], a.name if a.asname else a.name.split(".")[0])
                for a in node.names]
    if isinstance(node, ast.ImportFrom):
        return [(a.asname or a.name, f"{node.module}.{a.name}") for a in node.names if a.name != "*"]
    return []


def _module_bindings(node) -> list[tuple[str, str | None]]:
    """Names a top-level statement binds in the notebook's namespace (import path when it is an import)."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return _import_bindings(node)
    out = []
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.append((node.name, None))
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        targets = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    for target in targets:
        out += [(n.id, None) for n in ast.walk(target) if isinstance(n, ast.Name)]
    if isinstance(node, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                out += _module_bindings(child)
        for handler in getattr(node, "handlers", []):
            for child in handler.body:
                out += _module_bindings(child)
    return out


def _root_name(node) -> str | None:
    """`torch` for torch.testing.assert_close[...] (None when the chain does not start with a name)."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


class _Checker(ast.NodeVisitor):
    def __init__(self, trusted: TrustedNames):
        self.trusted = trusted
        self.protected = BUILTIN_NAMES | trusted.names
        self.violations: list[Violation] = []
        self.scopes: list[set[str]] = []  # names bound by each enclosing function
        self.class_depth = 0

    def deny(self, node, construct: str, why: str) -> None:
        self.violations.append(Violation(getattr(node, "lineno", 0), construct, why))

    # ---- imports
    def _check_import(self, node, module: str, names: list[tuple[str, str]]) -> None:
        if module not in ALLOWED_MODULES:
            self.deny(node, f"import {module}", "this module is not on the grader's allowlist "
                      "(use torch, math, numpy and the standard helpers the notebook imports)")
            return
        for bound, path in names:
            leaf = path.rsplit(".", 1)[-1]
            if leaf.startswith("_") or leaf in DENIED_ATTRIBUTES:
                self.deny(node, f"from {module} import {leaf}", "private or dangerous names cannot be imported")
            if not self.scopes and bound in self.protected and self.trusted.imports.get(bound) != path:
                self.deny(node, f"import ... as {bound}", f"'{bound}' is defined by the notebook or Python; "
                          "binding it to something else would change what the tests use")

    def visit_Import(self, node):
        for alias, (bound, path) in zip(node.names, _import_bindings(node)):
            self._check_import(node, alias.name, [(bound, path)])

    def visit_ImportFrom(self, node):
        if node.level:
            self.deny(node, "relative import", "not allowed in a notebook")
            return
        if any(a.name == "*" for a in node.names):
            self.deny(node, f"from {node.module} import *", "import the names you need one by one")
            return
        self._check_import(node, node.module or "", _import_bindings(node))

    # ---- names
    def _bound_locally(self, name: str) -> bool:
        return any(name in scope for scope in self.scopes)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            if node.id in DENIED_NAMES and not self._bound_locally(node.id):
                self.deny(node, node.id, "reaches the interpreter, the grader or the system; it is not allowed "
                          "in graded code")
            elif node.id.startswith("__") and not self._bound_locally(node.id):
                self.deny(node, node.id, "dunder names are not allowed in graded code")
        elif not self.scopes and not self.class_depth and node.id in self.protected:
            self.deny(node, f"{node.id} = ...", f"'{node.id}' is defined by the notebook or Python and used by "
                      "the tests; pick another name")

    def visit_Global(self, node):
        for name in node.names:
            if name in self.protected:
                self.deny(node, f"global {name}", f"'{name}' is used by the tests; do not rebind it")

    visit_Nonlocal = visit_Global

    # ---- attributes
    def visit_Attribute(self, node):
        attr = node.attr
        if attr.startswith("__") and attr.endswith("__"):
            if attr not in ALLOWED_DUNDER_ATTRIBUTES:
                self.deny(node, f".{attr}", "dunder attributes are not allowed in graded code")
        elif attr.startswith("_") and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            self.deny(node, f".{attr}", "private attributes of libraries are not allowed (self._x is fine)")
        if attr in DENIED_ATTRIBUTES:
            self.deny(node, f".{attr}", "this entry point is not allowed in graded code")
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._check_patch(node, node)
        self.generic_visit(node)

    def visit_Subscript(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._check_patch(node, node)
        self.generic_visit(node)

    def _check_patch(self, node, target) -> None:
        root = _root_name(target)
        if root in self.protected and not self._bound_locally(root):
            self.deny(node, f"{_dotted(target) or root}... = ...",
                      f"changes '{root}', which the notebook or Python defines and the tests use")

    # ---- calls
    def visit_Call(self, node):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        if name in ATTRIBUTE_FUNCTIONS and not self._bound_locally(name):
            if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                value = node.args[1].value
                if not isinstance(value, str) or value.startswith("_") or value in DENIED_ATTRIBUTES:
                    self.deny(node, f"{name}(..., {value!r})", "private, dunder or dangerous attribute")
            if name == "setattr" and node.args:
                self._check_patch(node, node.args[0])
        if name == "type" and len(node.args) != 1 and not self._bound_locally("type"):
            self.deny(node, "type(name, bases, dict)", "creating classes dynamically is not allowed")
        if isinstance(func, ast.Attribute) and func.attr == "format" and isinstance(func.value, ast.Constant) \
                and isinstance(func.value.value, str) and ("{" in func.value.value) and \
                any(c in func.value.value for c in ".[") and "__" in func.value.value:
            self.deny(node, "'...'.format", "format fields that walk into dunder attributes are not allowed")
        self.generic_visit(node)

    # ---- definitions
    def _visit_function(self, node, args, body):
        bound = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
        bound |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        for sub in ast.walk(body if isinstance(body, ast.AST) else ast.Module(body=body, type_ignores=[])):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                bound.add(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.ClassDef)):
                bound.add(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                bound |= {b for b, _ in _import_bindings(sub)}
        self.scopes.append(bound)
        saved, self.class_depth = self.class_depth, 0
        for child in (body if isinstance(body, list) else [body]):
            self.visit(child)
        self.class_depth = saved
        self.scopes.pop()

    def visit_FunctionDef(self, node):
        if self.class_depth and node.name.startswith("__") and node.name.endswith("__") \
                and node.name not in ALLOWED_DUNDER_METHODS:
            self.deny(node, f"def {node.name}", "defining special methods other than __init__ is not allowed "
                      "(they let an object fake comparisons, conversions or its own type)")
        if not self.scopes and not self.class_depth and node.name in self.protected:
            self.deny(node, f"def {node.name}", f"'{node.name}' is defined by the notebook or Python; "
                      "pick another name")
        for deco in node.decorator_list:
            self.visit(deco)
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.visit(default)
        self._visit_function(node, node.args, node.body)

    def visit_AsyncFunctionDef(self, node):
        self.deny(node, "async def", "asynchronous code is not allowed in graded code")

    def visit_Await(self, node):
        self.deny(node, "await", "asynchronous code is not allowed in graded code")

    visit_AsyncFor = visit_AsyncWith = visit_Await

    def visit_Lambda(self, node):
        for default in node.args.defaults:
            self.visit(default)
        self._visit_function(node, node.args, node.body)

    def visit_ClassDef(self, node):
        if not self.scopes and not self.class_depth and node.name in self.protected:
            self.deny(node, f"class {node.name}", f"'{node.name}' is defined by the notebook or Python")
        for base in node.bases:
            leaf = _dotted(base).rsplit(".", 1)[-1]
            if leaf in DENIED_BASES:
                self.deny(node, f"class {node.name}({_dotted(base)})", "subclassing built-in value types, "
                          "tensors or exceptions that stop the kernel is not allowed")
            self.visit(base)
        for kw in node.keywords:
            self.deny(node, f"class {node.name}({kw.arg}=...)", "metaclasses and class keywords are not allowed")
        for deco in node.decorator_list:
            self.visit(deco)
        self.class_depth += 1
        for child in node.body:
            self.visit(child)
        self.class_depth -= 1

    # ---- control flow
    def visit_ExceptHandler(self, node):
        if node.type is None:
            self.deny(node, "except:", "a bare except also catches the grader's interrupt; write `except Exception:`")
        self.generic_visit(node)

    visit_TryStar = ast.NodeVisitor.generic_visit


def validate(source: str, trusted: TrustedNames | None = None) -> list[Violation]:
    """Every construct of `source` (a student-editable cell) that the grader refuses to run; [] if none."""
    trusted = trusted or TrustedNames(set(), {})
    try:
        tree = ast.parse(_ipython_to_python(source))
    except SyntaxError as error:
        return [Violation(error.lineno or 0, "syntax", f"the cell is not valid Python: {error.msg}")]
    checker = _Checker(trusted)
    checker.visit(tree)
    return sorted(set(checker.violations), key=lambda v: (v.line, v.construct))


def rejection_cell(violations: list[Violation]) -> str:
    """The code the grader runs instead of a rejected cell: it raises an error naming what was refused."""
    text = "; ".join(str(v) for v in violations[:5]) + (" ..." if len(violations) > 5 else "")
    message = ("The grader did not run this cell because it uses code that graded notebooks may not use: "
               f"{text}. Remove it and grade again.")
    return f"raise RuntimeError({message!r})"
