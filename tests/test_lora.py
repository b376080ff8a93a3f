"""LoRA: shapes, zero update at initialisation, merge/unmerge, hot-swapping, and peft as an oracle."""

import pytest
import torch
from torch import nn
from transformers import BertConfig, BertModel

from llmcourse.lora import (LoRALinear, apply_lora, load_lora_state, lora_layers, lora_params, lora_state,
                            merge_lora, swap_lora, unmerge_lora)


def tiny_bert(seed: int = 0) -> BertModel:
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=32)
    return BertModel(config).eval()


def randomise_B(model: nn.Module, seed: int = 1) -> None:
    """A trained-looking adapter: B ≠ 0, so the comparisons below are not trivially about zeros."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in lora_layers(model).values():
            m.B.copy_(0.1 * torch.randn(m.B.shape, generator=g))


INPUTS = dict(input_ids=torch.randint(1, 100, (3, 7), generator=torch.Generator().manual_seed(0)),
              attention_mask=torch.tensor([[1] * 7, [1] * 5 + [0] * 2, [1] * 3 + [0] * 4]))


def test_lora_linear_shapes_scaling_and_zero_start():
    base = nn.Linear(12, 20)
    layer = LoRALinear(base, r=4, alpha=8)
    assert layer.A.shape == (4, 12) and layer.B.shape == (20, 4)
    assert layer.scaling == 2.0
    assert layer.A.abs().sum() > 0 and layer.B.abs().sum() == 0
    x = torch.randn(5, 3, 12)
    assert torch.equal(layer(x), base(x))               # ΔW = 0: training starts at W0
    assert not base.weight.requires_grad and layer.A.requires_grad and layer.B.requires_grad


def test_forward_is_base_plus_scaled_low_rank_update():
    layer = LoRALinear(nn.Linear(6, 5), r=2, alpha=6)
    nn.init.normal_(layer.B)
    x = torch.randn(4, 6)
    expected = x @ (layer.base.weight + 3.0 * layer.B @ layer.A).T + layer.base.bias
    torch.testing.assert_close(layer(x), expected)
    assert torch.linalg.matrix_rank(layer.delta_weight()) <= 2


def test_merge_is_equivalent_and_unmerge_restores_W0():
    layer = LoRALinear(nn.Linear(16, 8), r=4, alpha=4)
    nn.init.normal_(layer.B)
    W0, x = layer.base.weight.detach().clone(), torch.randn(10, 16)
    before = layer(x)
    layer.merge(); layer.merge()                          # idempotent
    torch.testing.assert_close(layer(x), before, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(layer.base.weight, W0 + layer.delta_weight())
    layer.unmerge(); layer.unmerge()
    torch.testing.assert_close(layer.base.weight, W0, rtol=0, atol=1e-6)
    torch.testing.assert_close(layer(x), before)


def test_lora_rejects_bad_arguments():
    with pytest.raises(TypeError, match="nn.Linear"):
        LoRALinear(nn.Conv1d(2, 2, 1), r=2, alpha=2)
    with pytest.raises(ValueError, match="rank"):
        LoRALinear(nn.Linear(2, 2), r=0, alpha=2)
    with pytest.raises(ValueError, match="target_modules"):
        apply_lora(tiny_bert(), ["no_such_layer"], r=2, alpha=2)


@pytest.mark.parametrize("targets", [["query", "value"], ["query", "key", "value", "dense"]])
def test_apply_lora_counts_match_the_closed_form(targets):
    model = tiny_bert()
    shapes = [tuple(m.weight.shape) for name, m in model.named_modules()
              if isinstance(m, nn.Linear) and name.rsplit(".", 1)[-1] in targets]
    trainable, n_lora = apply_lora(model, targets, r=4, alpha=8)
    assert n_lora == trainable == lora_params(shapes, r=4)
    # with a task head kept trainable the count grows by exactly the head's parameters
    model = nn.ModuleDict(dict(encoder=tiny_bert(), head=nn.Linear(32, 3)))
    trainable, n_lora = apply_lora(model, targets, r=4, alpha=8, modules_to_save=["head"])
    assert trainable == n_lora + 32 * 3 + 3


@pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing` is deprecated:FutureWarning")  # peft calls it
@pytest.mark.parametrize("targets", [["query", "value"], ["query", "key", "value", "dense"]])
def test_matches_peft_on_the_same_weights(targets):
    from peft import LoraConfig, get_peft_model
    ours = tiny_bert()
    trainable, _ = apply_lora(ours, targets, r=4, alpha=8)
    randomise_B(ours)
    theirs = get_peft_model(tiny_bert(), LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, target_modules=targets))
    with torch.no_grad():
        for name, m in lora_layers(ours).items():
            peft_layer = theirs.base_model.model.get_submodule(name)
            peft_layer.lora_A["default"].weight.copy_(m.A)
            peft_layer.lora_B["default"].weight.copy_(m.B)
    ours.eval(); theirs.eval()
    with torch.no_grad():
        a = ours(**INPUTS).last_hidden_state
        b = theirs(**INPUTS).last_hidden_state
    torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)
    assert (a - tiny_bert()(**INPUTS).last_hidden_state).abs().max() > 1e-3   # the update matters
    assert theirs.get_nb_trainable_parameters()[0] == trainable


def test_hot_swap_between_two_tasks_restores_W0():
    model = tiny_bert()
    apply_lora(model, ["query", "value"], r=4, alpha=8)
    W0 = {k: v.clone() for k, v in model.state_dict().items() if k.endswith("base.weight")}
    randomise_B(model, seed=1); task1 = lora_state(model)
    randomise_B(model, seed=2); task2 = lora_state(model)
    with torch.no_grad():
        load_lora_state(model, task1); expected1 = model(**INPUTS).last_hidden_state
        load_lora_state(model, task2); expected2 = model(**INPUTS).last_hidden_state
        swap_lora(model, task1)
        assert all(m.merged for m in lora_layers(model).values())
        torch.testing.assert_close(model(**INPUTS).last_hidden_state, expected1, rtol=1e-4, atol=1e-4)
        with pytest.raises(RuntimeError, match="unmerge"):
            load_lora_state(model, task2)
        swap_lora(model, task2)
        torch.testing.assert_close(model(**INPUTS).last_hidden_state, expected2, rtol=1e-4, atol=1e-4)
        unmerge_lora(model)
    for k, v in model.state_dict().items():
        if k in W0:
            torch.testing.assert_close(v, W0[k], rtol=0, atol=1e-6)
    with pytest.raises(KeyError, match="does not match"):
        load_lora_state(model, {"x.A": torch.zeros(1)})
