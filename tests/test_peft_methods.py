"""The PEFT injectors (adapters, Compacter, BitFit/top-K, prefix, LoRA through peft) on a tiny random
BERT: the injector contract against independent counts, shapes, identity at initialisation; and
prompt tuning."""

import copy
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from transformers import BertConfig, BertModel

from llmcourse import finetune as ft
from llmcourse import peft_experiment as pe
from llmcourse.adapters import AdapterLayer, Bottleneck, add_adapters
from llmcourse.compacter import PHMBottleneck, PHMLinear, add_compacter, compacter_params, phm_params, shared_A
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


# --- the injector contract (llmcourse.finetune): it freezes the base and returns what trains -------

def contract_holds(model: nn.Module, before: dict[str, nn.Parameter], returned: list) -> None:
    """The contract against the model itself: the returned parameters are distinct, they are exactly
    the base's trainable ones, and every parameter the base had and the injector did not return is
    frozen."""
    assert all(isinstance(p, nn.Parameter) for p in returned)
    assert len({id(p) for p in returned}) == len(returned), "a parameter returned twice"
    trainable = {id(p) for p in model.parameters() if p.requires_grad}
    assert trainable == {id(p) for p in returned}
    kept = {id(p) for p in returned}
    assert all(not p.requires_grad for p in before.values() if id(p) not in kept)
    assert count_trainable(model) == sum(p.numel() for p in returned)


def random_flags(model: nn.Module, seed: int = 0) -> dict[str, nn.Parameter]:
    """Random requires_grad flags (the contract holds whatever state the base was in)."""
    g = torch.Generator().manual_seed(seed)
    for p in model.parameters():
        p.requires_grad_(bool(torch.rand(1, generator=g) < 0.5))
    return dict(model.named_parameters())


def closed_form_adapters(d: int, m: int, sites: int) -> int:
    return sites * (d * m + m + m * d + d)                      # W_down, b_down, W_up, b_up


# Oracles independent of the injectors: closed forms from the papers' shapes, or the parameter
# names of transformers' BertModel.
CASES = {
    "full": (ft.full, lambda bert: sum(p.numel() for p in bert.parameters())),
    "frozen": (ft.frozen, lambda bert: 0),
    "top 1 layer": (lambda bert: ft.top_k_layers(bert, 1), lambda bert: sum(
        v.numel() for k, v in bert.state_dict().items() if k.startswith(f"encoder.layer.{LAYERS - 1}."))),
    "BitFit": (ft.bitfit, lambda bert: sum(
        v.numel() for k, v in bert.state_dict().items() if k.endswith(".bias"))),
    "Houlsby adapters": (lambda bert: add_adapters(bert, 8), lambda bert: closed_form_adapters(D, 8, 2 * LAYERS)),
    "Pfeiffer adapters": (lambda bert: add_adapters(bert, 8, "pfeiffer"),
                          lambda bert: closed_form_adapters(D, 8, LAYERS)),
    # own weights r(d_in + d_out) and bias of each PHM layer, the shared n³ once
    "Compacter": (lambda bert: add_compacter(bert, 8, n=4, r=1),
                  lambda bert: 2 * LAYERS * ((D + 8) + 8 + (8 + D) + D) + 4 ** 3),
    # P' (l × d), then the MLP d -> h -> 2·layers·d with biases
    "prefix": (lambda bert: add_prefix(bert, l=5, hidden=16),
               lambda bert: 5 * D + D * 16 + 16 + 16 * 2 * LAYERS * D + 2 * LAYERS * D),
}


@pytest.mark.parametrize("name", list(CASES))
def test_injector_contract(name):
    inject, oracle = CASES[name]
    model = tiny_bert()
    expected = oracle(model)                    # computed on the base before the injection
    before = random_flags(model)
    returned = inject(model)
    contract_holds(model, before, returned)
    assert sum(p.numel() for p in returned) == expected
    if name not in ("full", "frozen", "top 1 layer", "BitFit"):  # additive: every old parameter frozen
        assert not any(p.requires_grad for p in before.values())


@pytest.mark.filterwarnings("ignore:.*is_gradient_checkpointing:FutureWarning")  # peft 0.21 on transformers 5
@pytest.mark.parametrize("targets", [["query", "value"], ["query", "key", "value", "dense"]])
def test_lora_injector_contract_against_peft_count(targets):
    """peft's own count (get_peft_model on a copy, print_trainable_parameters' numbers) is the oracle."""
    from peft import LoraConfig, get_peft_model

    model = tiny_bert()
    reference = get_peft_model(copy.deepcopy(model), LoraConfig(r=pe.R, lora_alpha=pe.ALPHA, target_modules=targets))
    expected, _ = reference.get_nb_trainable_parameters()
    before = random_flags(model)
    returned = pe.peft_lora(model, targets)
    contract_holds(model, before, returned)
    assert sum(p.numel() for p in returned) == expected
    assert not any(p.requires_grad for p in before.values())


def test_every_method_of_the_experiment_trains_what_its_injector_returned_plus_the_head():
    h = SimpleNamespace(base=tiny_classifier())
    h.base.encoder.pooler = None
    for name in pe.METHODS:
        model, trained = pe.build(h, name, seed=0)
        assert {id(p) for p in trained} == {id(p) for p in model.parameters() if p.requires_grad}, name
        assert {id(p) for p in model.head.parameters()} <= {id(p) for p in trained}, name


# --- Houlsby and Pfeiffer adapters -------------------------------------------------------------

def test_bottleneck_shapes_and_zero_at_init():
    branch = Bottleneck(D, m=8)
    assert branch.W_down.shape == (D, 8) and branch.W_up.shape == (8, D)
    y = torch.randn(4, 5, D)
    assert torch.equal(branch(y), torch.zeros_like(y))
    nn.init.normal_(branch.W_up)                  # once trained it adds something
    expected = F.gelu(y @ branch.W_down + branch.b_down) @ branch.W_up + branch.b_up
    torch.testing.assert_close(branch(y), expected)
    assert branch(y).abs().sum() > 0


@pytest.mark.parametrize("placement, per_layer", [("houlsby", 2), ("pfeiffer", 1)])
def test_add_adapters_places_and_starts_at_the_pretrained_model(placement, per_layer):
    model = tiny_bert()
    before = hidden(model)
    added = add_adapters(model, 8, placement)
    assert len(added) == 4 * per_layer * LAYERS                  # W_down, b_down, W_up, b_up per site
    layer = model.encoder.layer[0]
    assert isinstance(layer.output.dense, AdapterLayer)                           # after the FFN
    assert isinstance(layer.attention.output.dense, AdapterLayer) == (placement == "houlsby")
    torch.testing.assert_close(hidden(model), before)
    with pytest.raises(RuntimeError, match="already"):
        add_adapters(model, 8, placement)
    with pytest.raises(ValueError, match="placement"):
        add_adapters(tiny_bert(), 8, "middle")


def test_adapter_sits_before_the_residual_layer_norm():
    """The adapted output goes through BERT's residual addition and LayerNorm: LN(y + branch(y) + h)."""
    model = tiny_bert()
    add_adapters(model, 8, "pfeiffer")
    out = model.encoder.layer[0].output
    nn.init.normal_(out.dense.branch.W_up)
    x, h = torch.randn(2, 3, 64), torch.randn(2, 3, D)
    y = out.dense.base_layer(x)
    torch.testing.assert_close(out(x, h), out.LayerNorm(y + out.dense.branch(y) + h))


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


def test_compacter_shares_one_A_starts_at_the_model_and_counts():
    model = tiny_bert()
    before = hidden(model)
    added = add_compacter(model, 8, n=4, r=1)
    branches = [m for m in model.modules() if isinstance(m, PHMBottleneck)]
    assert len(branches) == 2 * LAYERS
    A = branches[0].down.A
    assert all(b.down.A is A and b.up.A is A for b in branches)                   # one A for every layer
    assert sum(p is A for p in added) == 1
    assert sum(p.numel() for p in added) == compacter_params(D, 8, n=4, r=1, n_adapters=2 * LAYERS)
    torch.testing.assert_close(hidden(model), before)
    assert sum(p.numel() for p in added) < closed_form_adapters(D, 8, 2 * LAYERS) / 2   # far fewer than Houlsby


@pytest.mark.parametrize("n", [2, 4, 8])
def test_full_rank_compacter_is_the_identity_at_init_with_about_one_nth_of_the_weights(n):
    model = tiny_bert()
    before = hidden(model)
    add_compacter(model, 16, n=n, r=None)
    torch.testing.assert_close(hidden(model), before)
    weights = sum(p.numel() for name, p in model.named_parameters() if p.requires_grad and name.endswith(".B"))
    dense = 2 * LAYERS * 2 * D * 16                                                 # Houlsby's down and up weights
    assert weights * n == dense                                                    # exactly 1/n of them
    assert count_trainable(model) == compacter_params(D, 16, n=n, r=None, n_adapters=2 * LAYERS)


# --- freezing: top-K ------------------------------------------------------------------------------

def test_top_k_layers_range():
    model = tiny_bert()
    assert ft.top_k_layers(model, 0) == [] and count_trainable(model) == 0
    assert not any(p.requires_grad for p in model.encoder.layer[0].parameters())
    with pytest.raises(ValueError, match="between 0 and 2"):
        ft.top_k_layers(model, 3)


# --- prefix and prompt tuning ------------------------------------------------------------------------

@pytest.mark.parametrize("hidden_size", [None, 16])
@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_prefix_tuning_shapes_counts_and_only_prefix_trains(hidden_size, attn):
    model = tiny_bert(attn=attn)
    add_prefix(model, l=5, hidden=hidden_size)
    prefix = model.prefix
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
    add_prefix(model, l=3, hidden=None)
    prefix = model.prefix
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
    ft.frozen(clf.encoder)
    clf.encoder = PromptTuning(clf.encoder, l=4)
    assert clf.encoder.P.shape == (4, D)
    assert count_trainable(clf) == 4 * D + 3 * D + 3
    logits = clf(IDS, MASK)
    assert logits.shape == (3, 3)
    logits.sum().backward()
    assert clf.encoder.P.grad.abs().sum() > 0
