"""In-context linear regression (Garg et al., 2022) against independent oracles: numpy's
least squares, a brute-force nearest-neighbour search, and causality checked by perturbation."""

import numpy as np
import pytest
import torch

from llmcourse.icl_regression import (ICLRegressor, TaskStream, interleave, least_squares_predictions,
                                      nearest_neighbour_predictions, sample_tasks, squared_error_by_position)


def test_tasks_are_linear_with_one_weight_per_prompt():
    xs, ys = sample_tasks(5, 8, 3, torch.Generator().manual_seed(0))
    for b in range(5):
        w, *_ = np.linalg.lstsq(xs[b].numpy(), ys[b].numpy(), rcond=None)
        np.testing.assert_allclose(xs[b].numpy() @ w, ys[b].numpy(), atol=1e-4)


def test_interleave_alternates_x_and_y_tokens():
    xs, ys = torch.arange(12.).view(1, 3, 4), torch.tensor([[10., 20., 30.]])
    seq = interleave(xs, ys)
    assert seq.shape == (1, 6, 5)
    assert torch.equal(seq[0, 0], torch.tensor([0., 1., 2., 3., 0.]))
    assert torch.equal(seq[0, 1], torch.tensor([0., 0., 0., 0., 10.]))
    assert torch.equal(seq[0, 5], torch.tensor([0., 0., 0., 0., 30.]))


def test_least_squares_matches_numpy_minimum_norm_solution():
    xs, ys = sample_tasks(4, 7, 3, torch.Generator().manual_seed(1))
    preds = least_squares_predictions(xs.double(), ys.double())
    for b in range(4):
        assert preds[b, 0] == 0
        for i in range(1, 7):
            w, *_ = np.linalg.lstsq(xs[b, :i].double().numpy(), ys[b, :i].double().numpy(), rcond=None)
            assert preds[b, i].item() == pytest.approx(float(xs[b, i].double().numpy() @ w), abs=1e-8)
    assert squared_error_by_position(preds, ys.double(), 3)[0][4:].max() < 1e-12  # exact once i >= d


def test_nearest_neighbours_match_a_brute_force_search():
    xs, ys = sample_tasks(3, 9, 2, torch.Generator().manual_seed(2))
    preds = nearest_neighbour_predictions(xs, ys)
    for b in range(3):
        for i in range(1, 9):
            d = [float(((xs[b, j] - xs[b, i]) ** 2).sum()) for j in range(i)]
            near = sorted(range(i), key=d.__getitem__)[:3]
            assert preds[b, i].item() == pytest.approx(float(ys[b, near].mean()), abs=1e-5)


def test_prediction_i_never_sees_y_i_or_later_pairs():
    torch.manual_seed(0)
    model = ICLRegressor(d=3, k_max=6, d_model=16, n_layer=2, n_head=2).eval()
    xs, ys = sample_tasks(2, 6, 3)
    base = model(xs, ys)
    ys2, xs2 = ys.clone(), xs.clone()
    ys2[:, 3:] += 5.0
    xs2[:, 4:] += 5.0
    torch.testing.assert_close(model(xs2, ys2)[:, :4], base[:, :4])   # y_3 and later x's unseen by 0..3
    assert not torch.allclose(model(xs2, ys2)[:, 4], base[:, 4])


def test_zero_predictor_scores_one_and_stream_has_its_length():
    xs, ys = sample_tasks(20000, 2, 4, torch.Generator().manual_seed(3))
    mean, se = squared_error_by_position(torch.zeros_like(ys), ys, 4)
    assert mean[0].item() == pytest.approx(1.0, abs=6 * se[0].item())
    stream = TaskStream(steps=3, batch=2, k=4, d=2)
    assert len(stream) == 3 and len(list(stream)) == 3
    assert [b[0].sum() for b in stream] == [b[0].sum() for b in stream]  # the same tasks each pass


def test_too_many_pairs_is_a_clear_error():
    model = ICLRegressor(d=2, k_max=3)
    with pytest.raises(ValueError, match="k_max"):
        model(*sample_tasks(1, 4, 2))
