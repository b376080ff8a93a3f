"""Write each inline script once per page.

sphinx-thebe 0.3.1 adds its configuration as an inline script after the HTML builder has
started; Sphinx 7.4 then registers it a second time (once with file name None, once with '',
so its duplicate check misses it), and every page throws "Identifier 'THEBE_JS_URL' has
already been declared" in the reader's console. tests/test_browser.py checks the console.
"""
from sphinx.application import Sphinx


def _key(script) -> tuple:
    attributes = getattr(script, "attributes", {})
    return getattr(script, "filename", script) or "", getattr(script, "priority", 0), sorted(attributes.items())


def _unique(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if "script_files" not in context:
        return
    seen, unique = [], []
    for script in context["script_files"]:
        if (key := _key(script)) not in seen:
            seen.append(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _unique, priority=900)  # after every extension added its scripts
    return {"parallel_read_safe": True, "parallel_write_safe": True}
