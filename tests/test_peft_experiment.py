"""The PEFT comparison's pieces (llmcourse.peft_experiment): the schedule against transformers',
LoRA through peft against the closed form and its merge, and the small causal LM's answer-only loss and greedy
generation against by-hand computations."""

import pytest
import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, get_linear_schedule_with_warmup

from llmcourse import peft_experiment as pe
from llmcourse.pretrained import MiniLMClassifier


@pytest.mark.parametrize("total", [10, 141, 300])
def test_warmup_linear_matches_transformers_schedule(total):
    warm = round(pe.WARMUP * total)
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    ref = get_linear_schedule_with_warmup(opt, warm, total)
    # transformers' multiplier at step s is what our schedule gives one step earlier in the
    # warm-up (we count the current step as done: (s + 1) / warm) and the same in the decay
    for step in range(total):
        ours = pe.warmup_linear(step, total)
        theirs = ref.lr_lambdas[0](step + 1) if step < warm else ref.lr_lambdas[0](step)
        assert ours == pytest.approx(theirs, abs=1e-12), step
    assert pe.warmup_linear(warm - 1, total) == pytest.approx(1.0)
    assert pe.warmup_linear(total - 1, total) > 0


def tiny_classifier() -> MiniLMClassifier:
    torch.manual_seed(0)
    config = BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=32)
    model = MiniLMClassifier(BertModel(config), n_classes=3).eval()
    model.encoder.pooler = None          # unused by the classifier, as in the chapter
    return model


@pytest.mark.filterwarnings("ignore:.*is_gradient_checkpointing:FutureWarning")  # peft 0.21 on transformers 5
@pytest.mark.parametrize("targets, shapes", [
    (["query", "value"], [(32, 32)] * 4),
    (["query", "key", "value", "dense"], [(32, 32)] * 8 + [(32, 64), (64, 32)] * 2),
])
def test_peft_lora_adds_the_closed_form_count_and_starts_at_the_base(targets, shapes):
    base, model = tiny_classifier(), tiny_classifier()
    added = pe.peft_lora(model.encoder, targets)
    assert sum(p.numel() for p in added) == sum(pe.R * (d_in + d_out) for d_in, d_out in shapes)
    ids = torch.randint(1, 100, (2, 5), generator=torch.Generator().manual_seed(0))
    mask = torch.ones_like(ids)
    with torch.no_grad():
        assert torch.allclose(model(ids, mask), base(ids, mask), atol=1e-6)


@pytest.mark.filterwarnings("ignore:.*is_gradient_checkpointing:FutureWarning")
def test_merge_lora_folds_the_update_into_plain_linear_layers():
    model = tiny_classifier()
    added = pe.peft_lora(model.encoder, ["query", "value"])
    with torch.no_grad():
        for p in added:                                  # a trained-looking update (B != 0)
            p.normal_(std=0.1)
    ids = torch.randint(1, 100, (2, 5), generator=torch.Generator().manual_seed(1))
    mask = torch.ones_like(ids)
    with torch.no_grad():
        before = model(ids, mask)
        merged = pe.merge_lora(model)
        after = merged(ids, mask)
    torch.testing.assert_close(after, before, rtol=1e-5, atol=1e-5)
    assert type(merged.encoder.encoder.layer[0].attention.self.query) is torch.nn.Linear
    assert not any("lora_" in name for name, _ in merged.named_parameters())


def test_answer_batches_loss_is_the_cross_entropy_of_the_label_token_only():
    lm = pe.tiny_llama(vocab_size=50, hidden=32, n_layer=1, n_head=2, max_positions=16)
    seqs = [[5, 6, 7, 8], [9, 10, 11]]                 # the last token is the answer
    ids, mask, answer = next(iter(pe.answer_batches(seqs, batch_size=2, seed=0)))
    loss = pe.lm_step_loss(lm, ids, mask, answer)
    with torch.no_grad():
        logits = lm(input_ids=ids, attention_mask=mask).logits
    by_hand = []
    for row in range(2):
        last = int(mask[row].sum()) - 1                # position of the answer
        by_hand.append(F.cross_entropy(logits[row, last - 1][None], ids[row, last][None]))
    assert loss.item() == pytest.approx(torch.stack(by_hand).mean().item(), rel=1e-5)


def test_generate_answers_is_greedy_argmax():
    lm = pe.tiny_llama(vocab_size=50, hidden=32, n_layer=1, n_head=2, max_positions=16).eval()
    prompts = [[5, 6, 7], [9, 10, 11, 12], [13]]          # unequal lengths: padding
    answers = pe.generate_answers(lm, prompts, new_tokens=1)
    with torch.no_grad():
        expected = [lm(input_ids=torch.tensor([p])).logits[0, -1].argmax().item() for p in prompts]
    assert [a[0] for a in answers] == expected


# ------------------------------------------------- train_lm is training.train: the old loop as oracle

def _old_lm_step_loss(model, ids, mask, loss_mask=None):
    """lm_step_loss before the training loops were merged: transformers' own shifted loss."""
    labels = ids.masked_fill(~(mask.bool() if loss_mask is None else loss_mask.bool()), -100)
    return model(input_ids=ids, attention_mask=mask, labels=labels).loss


def _old_train_lm(model, batches, steps, lr, seed=0):
    """train_lm before it used training.train: its own AdamW, LambdaLR and step loop, kept verbatim."""
    torch.manual_seed(seed)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: pe.warmup_linear(s, steps))
    losses, it = [], iter(())
    model.train()
    for _ in range(steps):
        try:
            batch = next(it)
        except StopIteration:
            it = iter(batches)
            batch = next(it)
        loss = _old_lm_step_loss(model, *batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    model.eval()
    return losses


@pytest.fixture
def _restore_determinism():
    """training.train switches on deterministic kernels process-wide; leave other tests as found."""
    before = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    yield
    torch.use_deterministic_algorithms(before[0], warn_only=before[1])


def _lm_stream(n=40, length=12, seed=0):
    """Pre-training batches as the chapter builds them: (ids, mask) windows in a shuffled DataLoader."""
    from torch.utils.data import DataLoader, TensorDataset
    g = torch.Generator().manual_seed(seed)
    windows = torch.randint(3, 50, (n, length), generator=g)
    return DataLoader(TensorDataset(windows, torch.ones_like(windows)), batch_size=8, shuffle=True,
                      generator=torch.Generator().manual_seed(0))


@pytest.mark.filterwarnings("ignore:.*is_gradient_checkpointing:FutureWarning")
@pytest.mark.parametrize("setting", ["pretrain", "lora answers"])
def test_train_lm_gives_the_losses_and_weights_of_the_old_loop(setting, _restore_determinism):
    """Both of the chapter's uses, the steps crossing several passes over the data (5 batches, 13 steps)."""
    from peft import LoraConfig, get_peft_model

    def model_and_batches():
        lm = pe.tiny_llama(vocab_size=50, hidden=32, n_layer=1, n_head=2, max_positions=16)
        if setting == "pretrain":
            return lm, _lm_stream()
        lm = get_peft_model(lm, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"],
                                           lora_dropout=0.0, task_type="CAUSAL_LM"))
        g = torch.Generator().manual_seed(1)
        seqs = [torch.randint(3, 50, (int(n),), generator=g).tolist()
                for n in torch.randint(2, 10, (36,), generator=g)]
        return lm, pe.answer_batches(seqs, batch_size=8, seed=3)

    old_lm, old_batches = model_and_batches()
    old = _old_train_lm(old_lm, old_batches, steps=13, lr=3e-3, seed=2)
    new_lm, new_batches = model_and_batches()
    new = pe.train_lm(new_lm, new_batches, steps=13, lr=3e-3, seed=2, progress=False)
    assert len(new) == len(old) == 13
    assert new == pytest.approx(old, abs=1e-6, rel=1e-6)
    assert not new_lm.training
    for (name, p), (_, q) in zip(new_lm.named_parameters(), old_lm.named_parameters()):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6, msg=name)


def test_lm_step_loss_is_transformers_shifted_loss():
    lm = pe.tiny_llama(vocab_size=50, hidden=32, n_layer=1, n_head=2, max_positions=16)
    ids, mask = next(iter(_lm_stream()))
    mask[0, 7:] = 0
    with torch.no_grad():
        assert pe.lm_step_loss(lm, ids, mask).item() == pytest.approx(
            _old_lm_step_loss(lm, ids, mask).item(), abs=1e-6)


def test_cycled_batches_restart_and_stop_at_the_budget():
    from llmcourse.training import CycledBatches
    assert list(CycledBatches([1, 2, 3], 7)) == [1, 2, 3, 1, 2, 3, 1] and len(CycledBatches([1], 7)) == 7
    with pytest.raises(ValueError):
        list(CycledBatches([], 2))


# ------------------------------------------------- one padder: the hand-rolled ones kept as oracles

def _old_answer_tensors(sequences):
    L = max(map(len, sequences))
    ids = torch.zeros(len(sequences), L, dtype=torch.long)
    mask, answer = torch.zeros_like(ids), torch.zeros_like(ids)
    for i, s in enumerate(sequences):
        ids[i, :len(s)], mask[i, :len(s)], answer[i, len(s) - 1] = torch.tensor(s), 1, 1
    return ids, mask, answer


def _old_left_padded(chunk, pad_id):
    L = max(map(len, chunk))
    ids = torch.full((len(chunk), L), pad_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, p in enumerate(chunk):
        ids[i, L - len(p):], mask[i, L - len(p):] = torch.tensor(p), 1
    return ids, mask


def test_answer_batches_are_the_old_right_padded_batches():
    seqs = [[5, 6, 7, 8], [9], [10, 11, 12], [13, 14]] * 5
    new = pe.answer_batches(seqs, batch_size=6, seed=4)
    old = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*_old_answer_tensors(seqs)), batch_size=6,
                                      shuffle=True, generator=torch.Generator().manual_seed(4))
    for a, b in zip(new, old, strict=True):
        for x, y in zip(a, b, strict=True):
            assert x.dtype == y.dtype and torch.equal(x, y)


def test_generate_answers_pads_as_before(monkeypatch):
    """generate() receives the same left-padded ids and mask as with the old hand-rolled padder."""
    lm = pe.tiny_llama(vocab_size=50, hidden=32, n_layer=1, n_head=2, max_positions=16).eval()
    prompts, seen = [[5, 6, 7], [9, 10, 11, 12], [13], [14, 15]], []
    generate = lm.generate

    def spy(**kwargs):
        seen.append((kwargs["input_ids"], kwargs["attention_mask"]))
        return generate(**kwargs)

    monkeypatch.setattr(lm, "generate", spy)
    pe.generate_answers(lm, prompts, new_tokens=2, pad_id=3, batch_size=3)
    for (ids, mask), chunk in zip(seen, [prompts[:3], prompts[3:]], strict=True):
        old_ids, old_mask = _old_left_padded(chunk, 3)
        assert torch.equal(ids, old_ids) and torch.equal(mask, old_mask) and mask.dtype == old_mask.dtype
