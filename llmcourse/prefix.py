"""Prefix tuning (Li & Liang, 2021) and prompt tuning (Lester et al., 2021) for a frozen BERT encoder.

Prefix tuning prepends l trainable vectors P_k, P_v to the keys and values of every attention
layer; prompt tuning prepends l trainable vectors to the input embeddings only."""

from __future__ import annotations

from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn

from .finetune import freeze_base


class PrefixEncoder(nn.Module):
    """P (n_layers, 2, l, d_model): trained directly, or as MLP(P') with a smaller P' (l, d_model),
    Li & Liang's reparametrisation, which they found trains more stably. After training only P is kept."""

    def __init__(self, n_layers: int, d_model: int, l: int, hidden: int | None = 512):
        super().__init__()
        self.shape = (l, n_layers, 2, d_model)
        if hidden is None:
            self.P = nn.Parameter(0.02 * torch.randn(l, n_layers * 2 * d_model))
            self.P_prime, self.mlp = None, None
        else:
            self.P_prime = nn.Parameter(0.02 * torch.randn(l, d_model))
            self.mlp = nn.Sequential(nn.Linear(d_model, hidden), nn.Tanh(), nn.Linear(hidden, n_layers * 2 * d_model))

    def forward(self) -> torch.Tensor:
        P = self.P if self.mlp is None else self.mlp(self.P_prime)
        return P.view(self.shape).permute(1, 2, 0, 3)      # (n_layers, 2 [k, v], l, d_model)


def prefix_params(n_layers: int, d_model: int, l: int, hidden: int | None = None) -> int:
    """Closed form. Stored per task: l·n_layers·2·d. Trained with the MLP: l·d + (d·h + h) + (h·2·n_layers·d + 2·n_layers·d)."""
    if hidden is None:
        return l * n_layers * 2 * d_model
    out = n_layers * 2 * d_model
    return l * d_model + d_model * hidden + hidden + hidden * out + out


class PrefixSelfAttention(nn.Module):
    """BERT self-attention (frozen W_q, W_k, W_v) that attends to [P_k; K] and [P_v; V]."""

    def __init__(self, attention: nn.Module, prefix: PrefixEncoder, layer_idx: int):
        super().__init__()
        self.attention, self.layer_idx = attention, layer_idx
        self.prefix = [prefix]   # a plain list: the shared PrefixEncoder is registered once, on the model
        self.train(attention.training)   # keep the wrapped module's train/eval mode (attention dropout)

    def forward(self, hidden_states: torch.Tensor, attention_mask: torch.Tensor | None = None, **kwargs):
        a = self.attention
        B, T, _ = hidden_states.shape
        heads = lambda x: x.view(B, -1, a.num_attention_heads, a.attention_head_size).transpose(1, 2)
        P_k, P_v = self.prefix[0]()[self.layer_idx]                      # (l, d_model) each
        q = heads(a.query(hidden_states))
        k = torch.cat([heads(P_k.expand(B, -1, -1)), heads(a.key(hidden_states))], dim=2)
        v = torch.cat([heads(P_v.expand(B, -1, -1)), heads(a.value(hidden_states))], dim=2)
        mask = extend_mask(attention_mask, P_k.shape[0])
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=a.scaling,
                                             dropout_p=a.dropout.p if self.training else 0.0)
        return out.transpose(1, 2).reshape(B, T, -1), None


def extend_mask(mask: torch.Tensor | None, l: int) -> torch.Tensor | None:
    """Every query may attend to the l prefix positions: prepend 'visible' columns to the mask that
    transformers built (None = all visible; bool: True = visible; float: additive, 0 = visible)."""
    if mask is None:
        return None
    visible = torch.ones if mask.dtype == torch.bool else torch.zeros
    prefix = visible(*mask.shape[:-1], l, dtype=mask.dtype, device=mask.device)
    return torch.cat([prefix, mask], dim=-1)


def add_prefix(bert: nn.Module, l: int, hidden: int | None = 512) -> list[nn.Parameter]:
    """Freeze a transformers BertModel, give every layer a prefix of length ``l`` from one
    ``PrefixEncoder`` (registered as ``bert.prefix``) and return its parameters (the injector
    contract of ``llmcourse.finetune``)."""
    config = bert.config
    freeze_base(bert)
    bert.prefix = PrefixEncoder(config.num_hidden_layers, config.hidden_size, l, hidden)
    for i, layer in enumerate(bert.encoder.layer):
        layer.attention.self = PrefixSelfAttention(layer.attention.self, bert.prefix, i)
    return list(bert.prefix.parameters())


class PromptTuning(nn.Module):
    """A frozen BERT encoder whose input is [P; embeddings(x)] with l trainable vectors P (Lester et al.).

    It returns only the real tokens' states, so a classifier that pools them works unchanged."""

    def __init__(self, bert: nn.Module, l: int):
        super().__init__()
        self.bert, self.config = bert.requires_grad_(False), bert.config
        embeddings = bert.get_input_embeddings().weight
        init = embeddings[torch.randint(embeddings.shape[0] // 2, embeddings.shape[0], (l,))].detach().clone()
        self.P = nn.Parameter(init)       # initialised from vocabulary embeddings, as Lester et al. suggest

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        B, l = input_ids.shape[0], self.P.shape[0]
        x = torch.cat([self.P.expand(B, -1, -1), self.bert.get_input_embeddings()(input_ids)], dim=1)
        mask = torch.cat([attention_mask.new_ones(B, l), attention_mask], dim=1)
        h = self.bert(inputs_embeds=x, attention_mask=mask).last_hidden_state
        return SimpleNamespace(last_hidden_state=h[:, l:])
