"""The shared training loop, timing and memory helpers, on tiny models so it runs in seconds."""

import time

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from llmcourse.timing import latency_ms
from llmcourse.training import (History, PeakMemory, count_params, count_trainable, encode, evaluate, loader,
                                seed_everything, train)


@pytest.fixture(autouse=True)
def _restore_determinism():
    """seed_everything switches on deterministic kernels process-wide; leave other test files as found."""
    before = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    yield
    torch.use_deterministic_algorithms(before[0], warn_only=before[1])


def _toy(n: int = 256, seed: int = 0) -> TensorDataset:
    """Two Gaussian blobs in 8 dimensions: a task a linear model learns in a few epochs."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    x = torch.randn(n, 8, generator=g) + 1.5 * (2 * y[:, None] - 1)
    return TensorDataset(x, y)


def _model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))


def test_seed_everything_reproduces_random_draws():
    seed_everything(3)
    a = (torch.rand(4), __import__("random").random(), __import__("numpy").random.rand())
    seed_everything(3)
    b = (torch.rand(4), __import__("random").random(), __import__("numpy").random.rand())
    assert torch.equal(a[0], b[0]) and a[1:] == b[1:]


def test_tiny_model_trains_loss_falls_and_history_is_filled():
    data = _toy()
    model = _model()
    before, acc_before, _ = evaluate(model, loader(data, 64))
    h = train(model, loader(data, 32, shuffle=True), loader(_toy(128, 1), 64), epochs=4, lr=1e-2, progress=False)
    assert isinstance(h, History)
    assert len(h.train_loss) == len(h.val_loss) == len(h.val_accuracy) == len(h.seconds) == 4
    assert h.train_loss[-1] < h.train_loss[0] and h.train_loss[-1] < before
    assert h.val_accuracy[-1] > 0.9 > acc_before
    assert all(s > 0 for s in h.seconds) and h.train_seconds == pytest.approx(sum(h.seconds))


def test_history_records_the_optimisers_memory():
    """AdamW keeps two states the size of the weights: a 64 MiB layer's training raises the peak by at least
    its gradient and both states (192 MiB), allocations above glibc's mmap threshold, so freshly mapped."""
    torch.manual_seed(0)
    model = nn.Linear(4096, 4096, bias=False)  # 2**24 float32 weights: 64 MiB
    data = [(torch.randn(8, 4096), torch.randint(0, 4096, (8,)))]
    h = train(model, data, epochs=1, lr=1e-3, progress=False)
    assert 3 * 64 * 0.9 < h.peak_memory_mb < 8 * 64


def test_training_is_reproducible():
    runs = []
    for _ in range(2):
        model = _model()
        h = train(model, loader(_toy(), 32, shuffle=True, seed=5), loader(_toy(64, 1), 64), epochs=2, lr=1e-2,
                  seed=5, progress=False)
        runs.append((h.train_loss, h.val_accuracy, [p.detach().clone() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0] and runs[0][1] == runs[1][1]
    assert all(torch.equal(p, q) for p, q in zip(runs[0][2], runs[1][2]))


def test_without_validation_data_only_training_loss_is_kept():
    h = train(_model(), loader(_toy(64), 32), epochs=2, progress=False)
    assert len(h.train_loss) == 2 and h.val_loss == [] and h.val_accuracy == []


def test_progress_bar_is_optional(capsys):
    train(_model(), loader(_toy(64), 32), epochs=1, progress=False)
    assert capsys.readouterr().err == ""
    train(_model(), loader(_toy(64), 32), epochs=1, progress=True, desc="toy run")
    assert "toy run" in capsys.readouterr().err


def test_schedule_scales_learning_rate():
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    seen = []
    train(model, loader(_toy(64), 32), epochs=1, optimizer=opt, progress=False,
          schedule=lambda step, total: seen.append((step, total)) or 0.5)
    assert seen == [(0, 2), (1, 2)] and opt.param_groups[0]["lr"] == pytest.approx(0.05)


def test_error_on_model_without_trainable_parameters():
    model = _model()
    for p in model.parameters():
        p.requires_grad_(False)
    assert count_trainable(model) == 0 and count_params(model) == 8 * 16 + 16 + 16 * 2 + 2
    with pytest.raises(ValueError, match="no trainable parameters"):
        train(model, loader(_toy(64), 32), epochs=1, progress=False)


def test_loader_shuffle_is_seeded():
    data = TensorDataset(torch.arange(100), torch.zeros(100, dtype=torch.long))
    order = lambda seed: torch.cat([x for x, _ in loader(data, 10, shuffle=True, seed=seed)])  # noqa: E731
    assert torch.equal(order(0), order(0)) and not torch.equal(order(0), order(1))
    assert torch.equal(torch.cat([x for x, _ in loader(data, 10)]), torch.arange(100))


def test_encode_pads_to_max_length():
    from llmcourse.pretrained import load_tokenizer
    ds = encode(load_tokenizer(), ["a headline", "a much longer headline " * 10], [0, 3], max_length=24)
    ids, mask, y = ds.tensors
    assert ids.shape == mask.shape == (2, 24) and y.tolist() == [0, 3]
    assert mask[1].all() and mask[0].sum() == 4  # [CLS] a headline [SEP]


def test_loader_trims_padding_and_the_model_does_not_notice():
    from llmcourse.pretrained import load_tokenizer, minilm_classifier
    texts = ["short", "a somewhat longer headline", "tiny", "another headline with more words in it"]
    ds = encode(load_tokenizer(), texts, [0, 1, 2, 3], max_length=32)
    batches = list(loader(ds, 2))
    longest = [int(ds.tensors[1][i:i + 2].sum(1).max()) for i in (0, 2)]
    assert [b[0].shape for b in batches] == [(2, n) for n in longest] and longest[0] < 32
    assert all(b[0].shape == b[1].shape for b in batches)
    subset = list(loader(torch.utils.data.Subset(ds, [0, 2]), 2))  # a Subset of encoded texts is trimmed too
    assert subset[0][0].shape[1] == int(ds.tensors[1][[0, 2]].sum(1).max())
    model = minilm_classifier(4, pretrained=False, seed=0).eval()
    with torch.no_grad():
        full = model(ds.tensors[0], ds.tensors[1])
        trimmed = torch.cat([model(ids, mask) for ids, mask, _ in batches])
    assert torch.allclose(full, trimmed, atol=1e-5)
    plain = TensorDataset(torch.zeros(4, 6, dtype=torch.long), torch.zeros(4, 6), torch.zeros(4))
    assert next(iter(loader(plain, 2)))[0].shape == (2, 6)  # other datasets are left alone


def test_release_memory_runs_anywhere():
    from llmcourse.training import release_memory
    release_memory()


def test_latency_is_the_median():
    # 3 warm-up calls that are not timed (a slow first call), then 5 timed ones: median 5 ms,
    # while the mean (33 ms), the minimum (1 ms) or timing the warm-up would give other numbers
    delays = iter([0.3, 0.0, 0.0] + [0.007, 0.001, 0.150, 0.005, 0.003])
    assert 4.5 < latency_ms(lambda: time.sleep(next(delays)), repeats=5, warmup=3) < 15
    with pytest.raises(ValueError, match="repeats"):
        latency_ms(lambda: None, repeats=0)


def test_latency_counts_warmup_and_repeats():
    calls = []
    latency_ms(lambda: calls.append(1), repeats=7, warmup=2)
    assert len(calls) == 9


def test_peak_memory_sees_an_allocation():
    with PeakMemory() as m:
        block = torch.ones(64 * 2**20 // 4)  # 64 MiB, touched
        time.sleep(0.05)
    del block
    assert 32 * 2**20 < m.peak_bytes < 256 * 2**20


def test_gradient_clipping_caps_the_update():
    from llmcourse.training import train
    torch.manual_seed(0)
    model = nn.Linear(3, 2)
    before = torch.cat([p.detach().flatten() for p in model.parameters()]).clone()
    data = [(torch.randn(8, 3) * 100, torch.randint(0, 2, (8,)))]
    opt = torch.optim.SGD(model.parameters(), lr=1.0)          # SGD: the step is lr times the gradient
    train(model, data, epochs=1, optimizer=opt, clip_grad_norm=0.01, progress=False)
    after = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert (after - before).norm().item() == pytest.approx(0.01, rel=1e-4)


def test_on_step_runs_before_every_step_and_losses_are_kept_per_step():
    from llmcourse.training import train
    calls, model = [], nn.Linear(3, 2)
    data = [(torch.randn(4, 3), torch.randint(0, 2, (4,))) for _ in range(5)]
    h = train(model, data, epochs=2, on_step=lambda s, t: calls.append((s, t)), progress=False)
    assert calls == [(s, 10) for s in range(10)] and len(h.step_loss) == 10


def test_minibatches_see_every_example_equally_often():
    from llmcourse.training import minibatches
    x, y = torch.arange(10), torch.arange(10) * 2
    batches = minibatches(x, y, batch_size=4, steps=5, seed=0)   # 20 draws = 2 epochs of 10
    seen = torch.cat([b[0] for b in batches])
    assert torch.bincount(seen, minlength=10).tolist() == [2] * 10
    assert all(torch.equal(b[1], b[0] * 2) for b in batches)


def test_forward_hook_decides_how_a_batch_becomes_logits_and_targets():
    """train and evaluate with ``forward``: here targets first in the batch, per-position logits and -100
    targets, which cross-entropy and the accuracy both leave out."""
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    x, y = torch.randn(2, 5, 4), torch.tensor([[0, 1, 2, -100, -100], [2, 2, 1, 0, -100]])

    def forward(m, batch):
        targets, inputs = batch
        return m(inputs), targets

    def loss_fn(logits, targets):
        return torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten())

    loss, acc, pred = evaluate(model, [(y, x)], loss_fn, forward)
    with torch.no_grad():
        logits = model(x)
    kept = y != -100
    assert loss == pytest.approx(torch.nn.functional.cross_entropy(logits[kept], y[kept]).item())
    assert acc == pytest.approx((logits.argmax(-1)[kept] == y[kept]).float().mean().item())
    h = train(model, [(y, x)], [(y, x)], epochs=3, lr=1e-1, loss_fn=loss_fn, forward=forward, progress=False)
    assert len(h.step_loss) == 3 and h.step_loss[-1] < h.step_loss[0] and len(h.val_accuracy) == 3


def test_memory_sampling_can_be_switched_off():
    h = train(_model(), loader(_toy(64), 32), epochs=1, measure_memory=False, progress=False)
    assert h.peak_memory_mb != h.peak_memory_mb and len(h.step_loss) == 2   # nan: not measured
