"""Kernel-side integrity guard: the grader checks and restores the interpreter's state around each test cell.

`install_code(name)` is run silently in the grading kernel before the first cell and
`install_expression(name)` evaluated through `user_expressions`. It imports the libraries
the tests rely on, snapshots their attributes (modules and classes), IPython's input/AST transformers,
exception handlers, event callbacks, display hooks and Python's hooks, and binds one function under an
unguessable name. `check_expression(name)` calls it through `user_expressions`, which IPython evaluates
without its input or AST transformers: it restores anything that changed and returns what it found.
"""
from __future__ import annotations

WATCHED_MODULES = ("torch", "torch.nn", "torch.nn.functional", "torch.nn.init", "torch.testing",
                   "numpy", "numpy.testing", "math", "builtins", "copy", "functools", "operator", "random")
WATCHED_PACKAGES = ("torch", "numpy", "math", "builtins", "copy", "functools", "operator", "random",
                    "collections", "itertools", "statistics", "re", "transformers", "peft", "sklearn", "scipy")

_SOURCE = r'''
def __llm_grader_install(name, watched_modules, watched_packages, test_imports=()):
    import builtins, importlib, sys, types
    for module in watched_modules:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    # What the instructor's cells import (transformers.BertModel, peft, sklearn.metrics.f1_score...): imported
    # here, before any student code, so the tests' oracles are snapshotted clean and a change to them (even
    # through an alias the static check cannot follow) is restored, or zeroes the test that saw it.
    critical_ids, critical_keys, oracle_modules, oracle_values = set(), set(), set(), {}
    for path in test_imports:
        parent, _, attr = path.rpartition(".")
        try:
            obj = importlib.import_module(path)
        except ImportError:
            try:
                obj = getattr(importlib.import_module(parent), attr)
            except (ImportError, AttributeError):
                continue
            critical_keys.add((parent, attr))
            oracle_modules.add(parent)
            oracle_values[(parent, attr)] = obj  # lazy modules (transformers) may not keep it in their __dict__
        oracle_modules.add(getattr(obj, "__module__", None) if not isinstance(obj, types.ModuleType) else obj.__name__)
        for cls in (obj.__mro__ if isinstance(obj, type) else ()):
            if cls.__module__.split(".")[0] in watched_packages:
                critical_ids.add(id(cls))
                oracle_modules.add(cls.__module__)
    watched_modules = tuple(watched_modules) + tuple(sorted(m for m in oracle_modules if m))
    ip = get_ipython()
    _type, _dict, _list, _id, _callable, _isinstance, _repr = type, dict, list, id, callable, isinstance, repr
    _setattr, _delattr, _sorted, _tuple = setattr, delattr, sorted, tuple
    modules, classes = {}, {}

    def remember(mod_name):
        mod = sys.modules.get(mod_name)
        if mod is None or mod_name in modules:
            return
        modules[mod_name] = (mod, _dict(vars(mod)))
        for value in _list(vars(mod).values()):
            if _isinstance(value, _type) and _id(value) not in classes and getattr(value, "__module__", "").split(".")[0] in watched_packages:
                try:
                    classes[_id(value)] = (value, _dict(vars(value)))
                except TypeError:
                    pass

    def refresh():
        for mod_name in watched_modules:
            remember(mod_name)

    refresh()
    hooks = {
        "input_transformers_cleanup": _list(ip.input_transformers_cleanup),
        "input_transformers_post": _list(ip.input_transformers_post),
        "ast_transformers": _list(ip.ast_transformers),
    }
    events = {k: _list(v) for k, v in ip.events.callbacks.items()}
    attrs = {
        (ip, "custom_exceptions"): ip.custom_exceptions, (ip, "CustomTB"): ip.CustomTB,
        (ip, "ast_node_interactivity"): ip.ast_node_interactivity, (ip, "displayhook"): ip.displayhook,
        (ip, "display_formatter"): ip.display_formatter, (ip, "input_transformer_manager"): ip.input_transformer_manager,
        (ip, "compile"): ip.compile, (sys, "excepthook"): sys.excepthook,
        (sys, "stdout"): sys.stdout, (sys, "stderr"): sys.stderr, (sys, "modules"): sys.modules,
        (ip, "user_ns"): ip.user_ns,
    }
    instance_callables = {k for k, v in vars(ip).items() if _callable(v)}
    plain_text = _dict(ip.display_formatter.formatters["text/plain"].type_printers)

    ignored = {"_", "__", "___"}
    # what tests compare with: a change here is never accepted, even while a trusted cell runs
    critical_modules = {"builtins", "math", "torch.testing", "numpy.testing"}
    critical_classes = {"Tensor", "TensorBase", "Module", "Linear", "Parameter", "ndarray"}
    critical_names = {"allclose", "isclose", "equal", "array_equal", "eq", "ne", "all", "any", "abs", "sum",
                      "is_tensor", "is_floating_point", "numel", "testing", "Tensor", "Parameter", "Module",
                      "Linear", "ndarray", "integer", "floating", "isinstance", "type", "float", "int", "bool",
                      "__eq__", "__ne__", "__bool__", "__float__", "__int__", "__index__", "__hash__"}

    # what a library itself adds to a critical class when a test cell uses it; accepted only while a trusted
    # cell runs (transformers' PreTrainedModel.initialize_weights sets torch.nn.Module.smart_apply once)
    library_additions = {("Module", "smart_apply")}

    def library_private(key):
        """A library's own cache on its classes: transformers adds _can_set_..._cached_value while a test
        runs, and copy.deepcopy has copyreg add __slotnames__."""
        return (key[:1] == "_" and key[:2] != "__") or key == "__slotnames__"

    def is_critical(owner, key, cls=None):
        return (owner in critical_modules or key in critical_names or owner in critical_classes
                or (owner, key) in critical_keys or (cls is not None and id(cls) in critical_ids))

    user_ns = ip.user_ns
    builtin_names = set(vars(builtins))
    shadows = {k: v for k, v in user_ns.items() if k in builtin_names}  # IPython's own (open, exit...)
    pinned = {}

    def check(after_trusted=False, pin=()):
        """Restore and report changes. after_trusted: a trusted cell just ran, so accept (absorb) changes
        to non-critical attributes, which the libraries make themselves (lazy imports, wrappers)."""
        found = []
        for key in _list(user_ns):
            if key in builtin_names and key not in ignored and user_ns[key] is not shadows.get(key, check):
                if after_trusted:
                    shadows[key] = user_ns[key]  # a trusted cell bound it
                    continue
                found.append("builtin %s shadowed in the notebook" % key)
                if key in shadows:
                    user_ns[key] = shadows[key]
                else:
                    del user_ns[key]
        for key, value in pinned.items():
            if not after_trusted and user_ns.get(key, check) is not value:
                found.append("notebook name %s (the tests use it) rebound" % key)
                user_ns[key] = value
        if after_trusted:
            for key in pin:
                if key in user_ns:
                    pinned[key] = user_ns[key]
        for mod_name, (mod, snap) in _list(modules.items()):
            if sys.modules.get(mod_name) is not mod:
                found.append("sys.modules[%r] replaced" % mod_name)
                sys.modules[mod_name] = mod
            now = vars(mod)
            for key, value in _list(snap.items()):
                if key in ignored or (key[:1] == "_" and key[:2] != "__"):
                    continue  # IPython's _ and __; private module state that libraries change themselves
                if now.get(key, check) is not value:
                    if after_trusted and not is_critical(mod_name, key):
                        snap[key] = now.get(key)
                        continue
                    found.append("%s.%s" % (mod_name, key))
                    now[key] = value
        for (mod_name, key), value in oracle_values.items():
            mod = sys.modules.get(mod_name)
            if mod is not None and getattr(mod, key, check) is not value:
                found.append("%s.%s" % (mod_name, key))
                vars(mod)[key] = value
        for cls, snap in classes.values():
            now = vars(cls)
            qual = cls.__qualname__
            for key, value in _list(snap.items()):
                if now.get(key, check) is not value:
                    if after_trusted and (not is_critical(qual, key, cls)
                                          or (id(cls) in critical_ids and library_private(key))):
                        snap[key] = now.get(key)
                        continue
                    found.append("%s.%s" % (qual, key))
                    try:
                        _setattr(cls, key, value)
                    except (TypeError, AttributeError):
                        pass
            for key in _list(now):
                if key not in snap:
                    if after_trusted and (not is_critical(qual, key, cls) or (qual, key) in library_additions
                                          or (id(cls) in critical_ids and library_private(key))):
                        snap[key] = now[key]
                        continue
                    found.append("%s.%s (added)" % (qual, key))
                    try:
                        _delattr(cls, key)
                    except (TypeError, AttributeError):
                        pass
        for attr, value in hooks.items():
            current = getattr(ip, attr)
            if current != value:
                found.append("IPython " + attr)
                current[:] = value
        for event, value in events.items():
            if ip.events.callbacks.get(event) != value:
                found.append("IPython event callbacks (%s)" % event)
                ip.events.callbacks[event] = _list(value)
        for (owner, attr), value in attrs.items():
            if getattr(owner, attr) is not value and getattr(owner, attr) != value:
                found.append("%s.%s" % ("sys" if owner is sys else "IPython", attr))
                _setattr(owner, attr, value)
        for key in _list(vars(ip)):
            if key not in instance_callables and _callable(vars(ip)[key]):
                found.append("IPython method %s overridden" % key)
                del vars(ip)[key]
        printers = ip.display_formatter.formatters["text/plain"].type_printers
        if printers != plain_text:
            found.append("IPython text/plain printers")
            printers.clear()
            printers.update(plain_text)
        if sys.gettrace() is not None or sys.getprofile() is not None:
            found.append("sys.settrace/setprofile")
            sys.settrace(None)
            sys.setprofile(None)
        refresh()
        return _sorted(set(found))

    ip.user_ns[name] = check
    ip.user_ns_hidden[name] = check
    return True
'''


def install_code(name: str) -> str:
    """Silent code that defines the installer as `<name>_setup` (nothing is snapshotted yet)."""
    return _SOURCE + f"\n{name}_setup = __llm_grader_install\ndel __llm_grader_install\n"


def install_expression(name: str, test_imports: tuple[str, ...] = ()) -> str:
    """The user_expression that takes the snapshot and binds the check as `name`. It runs where the checks
    will run (outside IPython's builtin and display traps), so the snapshot matches what they see.
    `test_imports`: the import paths of the instructor's cells, whose objects become critical."""
    return f"{name}_setup({name!r}, {WATCHED_MODULES!r}, {WATCHED_PACKAGES!r}, {tuple(test_imports)!r})"


def check_expression(name: str, after_trusted: bool = False, pin: tuple[str, ...] = ()) -> str:
    """A user_expression that restores the snapshot and evaluates to the list of what had changed."""
    return f"{name}({after_trusted!r}, {tuple(pin)!r})"
