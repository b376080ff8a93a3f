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
