"""Serve MathJax from the book's own _static/ folder, so formulas typeset with no network.

Why this renderer: the chapters are written for MathJax 3 (Sphinx's default, which loads it
from a CDN), so bundling the same MathJax keeps every formula as it is; KaTeX would mean
re-checking ~260 formulas against a narrower TeX subset. The files come from the pinned PyPI
package `sphinx-mathjax-offline==0.0.2`, whose MathJax 3.2.2 is byte-identical to the npm
registry's `mathjax-full@3.2.2` (checked below by SHA-256): it installs with the rest of
requirements.txt, so `make book` needs no npm and no network. We use its files, not its
extension, which would copy 24 MB of bundles the book never loads.
"""
import hashlib
import importlib.util
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.fileutil import copy_asset

BUNDLE = "tex-mml-chtml.js"  # what Sphinx's mathjax_path names by default, now served locally
# SHA-256 of es5/tex-mml-chtml.js in the npm package mathjax-full 3.2.2
BUNDLE_SHA256 = "300480069078b5892d2363a2b65e2dfbbf30fe5c80f83edbfecf4610fd093862"
# What the bundle loads at run time: TeX extensions (autoload), the CHTML web fonts, the
# context menu with its accessibility tools (speech rules in sre/).
PARTS = ["input", "output", "a11y", "ui", "sre", "adaptors"]
NOTICE = ("MathJax 3.2.2, copyright the MathJax Consortium, Apache License 2.0 "
          "(https://www.apache.org/licenses/LICENSE-2.0); source: https://github.com/mathjax/MathJax-src\n")


def mathjax_folder() -> Path:
    """The installed MathJax 3.2.2 es5 folder, or an error that says how to get it."""
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise ExtensionError("MathJax is not installed: pip install -r requirements.txt "
                             "(the package sphinx-mathjax-offline ships it)")
    folder = Path(spec.origin).parent / "static" / "mathjax"
    bundle = folder / BUNDLE
    if not bundle.is_file() or hashlib.sha256(bundle.read_bytes()).hexdigest() != BUNDLE_SHA256:
        raise ExtensionError(f"{bundle} is missing or is not MathJax 3.2.2: "
                             "reinstall sphinx-mathjax-offline==0.0.2")
    return folder


def _check_path(app: Sphinx, config) -> None:
    if config.mathjax_path != f"mathjax/{BUNDLE}":
        raise ExtensionError(f"mathjax_path is {config.mathjax_path!r}: set it to "
                             f"'mathjax/{BUNDLE}' in _config.yml so the book typesets offline")


def _copy(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_folder(), Path(app.outdir) / "_static" / "mathjax"
    copy_asset(str(source / BUNDLE), str(target))
    for part in PARTS:
        copy_asset(str(source / part), str(target / part))
    (target / "NOTICE.txt").write_text(NOTICE)


def setup(app: Sphinx) -> dict:
    mathjax_folder()  # fail at start-up, not after the chapters have run
    app.connect("config-inited", _check_path)
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
