"""The contract every PEFT injector of the course library follows, and the selective injectors.

    inject(base: nn.Module, ...) -> list[nn.Parameter]

An injector works in place on the pre-trained base (here a ``transformers`` BertModel). It
freezes every parameter the base had, except those it selects to train; it adds its own modules,
if any; and it returns the parameters that now train, each once. Afterwards the base's trainable
parameters are exactly the returned ones, and their count is the method's cost. A task head is
not part of the base: the caller trains it beside what the injector returned.

The injectors: ``full``, ``frozen``, ``top_k_layers`` and ``bitfit`` (BitFit, Ben Zaken et al.,
2022) here; ``adapters.add_adapters``, ``compacter.add_compacter``, ``prefix.add_prefix`` and
``peft_experiment.peft_lora`` (LoRA through the ``peft`` library)."""

from __future__ import annotations

from torch import nn


def freeze_base(base: nn.Module) -> None:
    """Stop gradients to every parameter of ``base``: step 1 of every injector."""
    base.requires_grad_(False)


def full(base: nn.Module) -> list[nn.Parameter]:
    """Full fine-tuning: every parameter of the base trains."""
    base.requires_grad_(True)
    return list(base.parameters())


def frozen(base: nn.Module) -> list[nn.Parameter]:
    """Nothing of the base trains (with a head: the base is a fixed feature extractor)."""
    freeze_base(base)
    return []


def top_k_layers(bert: nn.Module, k: int) -> list[nn.Parameter]:
    """The last ``k`` transformer layers of a BertModel train; embeddings and lower layers stay frozen."""
    layers = bert.encoder.layer
    if not 0 <= k <= len(layers):
        raise ValueError(f"k must be between 0 and {len(layers)} (the number of layers), got {k}")
    freeze_base(bert)
    top = [p for layer in layers[len(layers) - k:] for p in layer.parameters()]
    for p in top:
        p.requires_grad_(True)
    return top


def bitfit(base: nn.Module) -> list[nn.Parameter]:
    """BitFit: the bias vectors of the linear and LayerNorm modules train, nothing else."""
    freeze_base(base)
    biases = {id(m.bias): m.bias for m in base.modules()
              if isinstance(m, (nn.Linear, nn.LayerNorm)) and m.bias is not None}
    for b in biases.values():
        b.requires_grad_(True)
    return list(biases.values())
