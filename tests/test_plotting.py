"""The plotting helpers draw what the chapters say they draw (Agg backend: no screen needed)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from llmcourse.plotting import figure, plot_confusion, plot_curves  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_curves_one_line_per_run_with_epochs_from_one():
    ax = plot_curves({"pre-trained": [0.8, 0.9, 0.92], "random": [0.3, 0.5, 0.6]}, title="t")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"pre-trained", "random"}
    assert list(lines["random"].get_xdata()) == [1, 2, 3] and list(lines["random"].get_ydata()) == [0.3, 0.5, 0.6]
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "validation accuracy" and ax.get_title() == "t"
    assert ax.get_legend() is not None


def test_curves_on_given_x_and_axes():
    _, ax = figure(4, 3)
    assert plot_curves({"a": [1.0, 2.0]}, x=[50, 200], xlabel="n", ylabel="error", ax=ax) is ax
    assert list(ax.get_lines()[0].get_xdata()) == [50, 200] and ax.get_xlabel() == "n"


def test_confusion_matrix_shows_every_count_in_its_cell():
    m = np.array([[5, 1, 0], [2, 7, 0], [0, 0, 9]])
    ax = plot_confusion(m, ["a", "b", "c"], title="cm")
    texts = {(t.get_position(), t.get_text()) for t in ax.texts}
    assert ((1, 0), "1") in texts and ((0, 1), "2") in texts and len(ax.texts) == 9  # (x = column, y = row)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "reference"
    assert np.array_equal(ax.images[0].get_array(), m)
