"""Which parameters train: the whole model, the head only, the top K layers, or only the biases
(BitFit, Ben Zaken et al., 2022). Each helper freezes the classifier, then unfreezes a part."""

from __future__ import annotations

from torch import nn


def freeze(module: nn.Module) -> nn.Module:
    """Stop gradients to every parameter of ``module``; returns it for chaining."""
    module.requires_grad_(False)
    return module


def unfreeze(module: nn.Module) -> nn.Module:
    """Let every parameter of ``module`` train again; returns it for chaining."""
    module.requires_grad_(True)
    return module


def full(classifier: nn.Module) -> nn.Module:
    """Full fine-tuning: every parameter trains."""
    return unfreeze(classifier)


def head_only(classifier: nn.Module) -> nn.Module:
    """Only the new task head trains; the encoder is a fixed feature extractor."""
    freeze(classifier)
    unfreeze(classifier.head)
    return classifier


def top_k_layers(classifier: nn.Module, k: int) -> nn.Module:
    """The head and the last ``k`` transformer layers train; embeddings and lower layers stay frozen."""
    layers = classifier.encoder.encoder.layer
    if not 0 <= k <= len(layers):
        raise ValueError(f"k must be between 0 and {len(layers)} (the number of layers), got {k}")
    head_only(classifier)
    for layer in layers[len(layers) - k:]:
        unfreeze(layer)
    return classifier


def bitfit(classifier: nn.Module) -> nn.Module:
    """BitFit: only the bias terms of the encoder (and the head) train."""
    freeze(classifier)
    for name, p in classifier.encoder.named_parameters():
        if name.endswith("bias"):
            p.requires_grad_(True)
    unfreeze(classifier.head)
    return classifier


def bitfit_params(model: nn.Module) -> int:
    """The number of bias parameters, counted from the module types (nn.Linear, nn.LayerNorm)."""
    return sum(m.bias.numel() for m in model.modules()
               if isinstance(m, (nn.Linear, nn.LayerNorm)) and m.bias is not None)
