"""Adapters, Compacter, BitFit/top-K freezing and prefix/prompt tuning on a tiny random BERT:
shapes, trainable counts against the closed forms, identity at initialisation."""

import pytest
import torch
from torch import nn
from transformers import BertConfig, BertModel

from llmcourse import finetune as ft
from llmcourse.adapters import Adapter, AdaptedProjection, add_adapters, adapter_params
from llmcourse.compacter import CompacterAdapter, PHMLinear, compacter_params, phm_params, shared_A
from llmcourse.prefix import PrefixSelfAttention, PromptTuning, add_prefix, extend_mask, prefix_params
from llmcourse.pretrained import MiniLMClassifier
from llmcourse.training import count_trainable

D, LAYERS = 32, 2


def tiny_bert(seed: int = 0, attn: str = "sdpa") -> BertModel:
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=100, hidden_size=D, num_hidden_layers=LAYERS, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=48, attn_implementation=attn)
    return BertModel(config).eval()


def tiny_classifier(seed: int = 0) -> MiniLMClassifier:
    return MiniLMClassifier(tiny_bert(seed), n_classes=3).eval()


IDS = torch.randint(1, 100, (3, 7), generator=torch.Generator().manual_seed(0))
MASK = torch.tensor([[1] * 7, [1] * 5 + [0] * 2, [1] * 3 + [0] * 4])


def hidden(model: BertModel, ids=IDS, mask=MASK) -> torch.Tensor:
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=mask).last_hidden_state


# --- Houlsby and Pfeiffer adapters -------------------------------------------------------------

def test_adapter_shapes_count_and_identity_at_init():
    adapter = Adapter(D, m=8)
    assert adapter.down.weight.shape == (8, D) and adapter.up.weight.shape == (D, 8)
    assert sum(p.numel() for p in adapter.parameters()) == adapter_params(D, 8) == 2 * D * 8 + D + 8
    h = torch.randn(4, 5, D)
    assert torch.equal(adapter(h), h)
    nn.init.normal_(adapter.up.weight)            # once trained it is no longer the identity
    assert not torch.allclose(adapter(h), h)


@pytest.mark.parametrize("placement, per_layer", [("houlsby", 2), ("pfeiffer", 1)])
def test_add_adapters_places_counts_and_starts_at_the_pretrained_model(placement, per_layer):
    model = tiny_bert()
    before = hidden(model)
    model.requires_grad_(False)
    adapters = add_adapters(model, 8, placement)
    assert len(adapters) == per_layer * LAYERS
    assert count_trainable(model) == per_layer * LAYERS * adapter_params(D, 8)
    layer = model.encoder.layer[0]
    assert isinstance(layer.output.dense, AdaptedProjection)                      # after the FFN
    assert isinstance(layer.attention.output.dense, AdaptedProjection) == (placement == "houlsby")
    torch.testing.assert_close(hidden(model), before)
    with pytest.raises(RuntimeError, match="already"):
        add_adapters(model, 8, placement)
    with pytest.raises(ValueError, match="placement"):
        add_adapters(tiny_bert(), 8, "middle")


def test_adapter_sits_before_the_residual_layer_norm():
    """The adapter's output goes through BERT's residual addition and LayerNorm: LN(adapter(dense(x)) + h)."""
    model = tiny_bert()
    add_adapters(model, 8, "pfeiffer")
    out = model.encoder.layer[0].output
    nn.init.normal_(out.dense.adapter.up.weight)
    x, h = torch.randn(2, 3, 64), torch.randn(2, 3, D)
    expected = out.LayerNorm(out.dense.adapter(out.dense.dense(x)) + h)
    torch.testing.assert_close(out(x, h), expected)


# --- Compacter -----------------------------------------------------------------------------------

def test_phm_weight_is_a_sum_of_kronecker_products_and_counts():
    A = shared_A(4)
    full = PHMLinear(16, 8, n=4, A=A)
    W = sum(torch.kron(A[i], full.B[i]) for i in range(4))
    assert full.weight().shape == (8, 16)
    torch.testing.assert_close(full.weight(), W)
    x = torch.randn(5, 16)
    torch.testing.assert_close(full(x), x @ W.T + full.bias)
    own = lambda layer: sum(p.numel() for name, p in layer.named_parameters() if name != "A")
    assert own(full) == phm_params(16, 8, 4) == 16 * 8 // 4 + 8
    low = PHMLinear(16, 8, n=4, A=A, r=1)
    assert own(low) == phm_params(16, 8, 4, r=1) == 1 * (16 + 8) + 8
    assert torch.linalg.matrix_rank(low.s[0] @ low.t[0].T) == 1
    with pytest.raises(ValueError, match="divide"):
        PHMLinear(10, 8, n=4, A=A)


def test_compacter_adapter_identity_and_total_count_with_shared_A():
    model = tiny_bert()
    before = hidden(model)
    model.requires_grad_(False)
    A = shared_A(4)
    adapters = add_adapters(model, lambda d: CompacterAdapter(d, 8, n=4, A=A, r=1))
    model.shared_A = A
    assert all(a.down.A is A and a.up.A is A for a in adapters)                   # one A for every layer
    assert count_trainable(model) == compacter_params(D, 8, n=4, r=1, n_adapters=2 * LAYERS)
    torch.testing.assert_close(hidden(model), before)
    assert count_trainable(model) < 2 * LAYERS * adapter_params(D, 8) / 2          # far fewer than Houlsby


@pytest.mark.parametrize("n", [2, 4, 8])
def test_full_rank_compacter_is_the_identity_at_init_with_about_one_nth_of_the_weights(n):
    model = tiny_bert()
    before = hidden(model)
    model.requires_grad_(False)
    A = shared_A(n)
    add_adapters(model, lambda d: CompacterAdapter(d, 16, n=n, A=A, r=None))
    model.shared_A = A
    torch.testing.assert_close(hidden(model), before)
    weights = sum(p.numel() for name, p in model.named_parameters() if p.requires_grad and name.endswith(".B"))
    dense = 2 * LAYERS * 2 * D * 16                                                 # Houlsby's down and up weights
    assert weights * n == dense                                                    # exactly 1/n of them
    assert count_trainable(model) == compacter_params(D, 16, n=n, r=None, n_adapters=2 * LAYERS)


# --- freezing: head only, top-K, BitFit ------------------------------------------------------------

def test_freezing_helpers_count_what_they_promise():
    clf = tiny_classifier()
    head = 3 * D + 3
    assert count_trainable(ft.full(clf)) == sum(p.numel() for p in clf.parameters())
    assert count_trainable(ft.head_only(clf)) == head
    layer = sum(p.numel() for p in clf.encoder.encoder.layer[0].parameters())
    assert count_trainable(ft.top_k_layers(clf, 1)) == head + layer
    assert all(not p.requires_grad for p in clf.encoder.encoder.layer[0].parameters())
    with pytest.raises(ValueError, match="between 0 and 2"):
        ft.top_k_layers(clf, 3)
    ft.bitfit(clf)
    trainable = {name for name, p in clf.named_parameters() if p.requires_grad}
    assert all(name.endswith("bias") or name.startswith("head") for name in trainable)
    # oracle: biases counted from the module types (each Linear and LayerNorm of the encoder) + the head weight
    assert count_trainable(clf) == ft.bitfit_params(clf.encoder) + head
    # and the closed form for BERT: embedding LayerNorm, then per layer Q, K, V, O (4d), the FFN (d_ff + d) and two
    # LayerNorms (2d); the pooler's dense layer adds d
    d_ff = clf.encoder.config.intermediate_size
    assert ft.bitfit_params(clf.encoder) == D + LAYERS * (4 * D + d_ff + D + 2 * D) + D


# --- prefix and prompt tuning ------------------------------------------------------------------------

@pytest.mark.parametrize("hidden_size", [None, 16])
@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_prefix_tuning_shapes_counts_and_only_prefix_trains(hidden_size, attn):
    model = tiny_bert(attn=attn)
    prefix = add_prefix(model, l=5, hidden=hidden_size)
    assert prefix().shape == (LAYERS, 2, 5, D)
    assert all(isinstance(layer.attention.self, PrefixSelfAttention) for layer in model.encoder.layer)
    assert count_trainable(model) == prefix_params(LAYERS, D, 5, hidden_size)
    assert {n for n, p in model.named_parameters() if p.requires_grad} <= {n for n, _ in prefix.named_parameters(prefix="prefix")}
    out = model(input_ids=IDS, attention_mask=MASK).last_hidden_state
    assert out.shape == (3, 7, D)
    out[MASK.bool()].sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in prefix.parameters())


def test_prefix_attention_matches_a_by_hand_computation_with_padding():
    """Layer 0's attention output computed directly: softmax(q [P_k; K]ᵀ/√d_h + mask) [P_v; V]."""
    model = tiny_bert()
    prefix = add_prefix(model, l=3, hidden=None)
    wrapper = model.encoder.layer[0].attention.self
    a = wrapper.attention
    x = torch.randn(3, 7, D)
    mask = MASK[:, None, None, :].bool().expand(3, 1, 7, 7)
    got, _ = wrapper(x, attention_mask=mask)
    P_k, P_v = prefix()[0]
    heads = lambda t: t.view(3, -1, 4, D // 4).transpose(1, 2)
    k = torch.cat([heads(P_k.expand(3, -1, -1)), heads(a.key(x))], 2)
    v = torch.cat([heads(P_v.expand(3, -1, -1)), heads(a.value(x))], 2)
    scores = heads(a.query(x)) @ k.transpose(2, 3) / (D // 4) ** 0.5
    visible = torch.cat([torch.ones(3, 1, 7, 3, dtype=torch.bool), mask], -1)
    probs = scores.masked_fill(~visible, float("-inf")).softmax(-1)
    torch.testing.assert_close(got, (probs @ v).transpose(1, 2).reshape(3, 7, D), rtol=1e-5, atol=1e-5)
    # padded keys stay invisible: changing a padded token leaves the real tokens' outputs alone
    ids2 = IDS.clone(); ids2[2, 5] = 7
    a1, a2 = hidden(model), hidden(model, ids2)
    torch.testing.assert_close(a1[2, :3], a2[2, :3])


def test_extend_mask_conventions():
    assert extend_mask(None, 4) is None
    b = extend_mask(torch.tensor([[[[True, False]]]]), 2)
    assert b.tolist() == [[[[True, True, True, False]]]]
    f = extend_mask(torch.tensor([[[[0.0, -1e9]]]]), 1)
    assert f.tolist() == [[[[0.0, 0.0, -1e9]]]]


def test_prompt_tuning_only_prompt_trains_and_classifier_works_unchanged():
    clf = tiny_classifier()
    ft.head_only(clf)
    clf.encoder = PromptTuning(clf.encoder, l=4)
    assert clf.encoder.P.shape == (4, D)
    assert count_trainable(clf) == 4 * D + 3 * D + 3
    logits = clf(IDS, MASK)
    assert logits.shape == (3, 3)
    logits.sum().backward()
    assert clf.encoder.P.grad.abs().sum() > 0
