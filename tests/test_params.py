"""The library's training cost and meta-device counts, against transformers and the papers' numbers."""
import pytest
from transformers import BertConfig, GPT2Config

from llmcourse import params


def test_meta_counts_match_the_published_sizes():
    """GPT-2 small and BERT-base, counted without memory (the figures shared/README.md measured)."""
    assert params.meta_param_count(GPT2Config()) == 124_439_808
    assert params.meta_param_count(BertConfig()) == 109_482_240
    assert all(p.is_meta for p in params.meta_model(GPT2Config(n_layer=1)).parameters())


def test_training_flops_is_six_n_d():
    assert params.training_flops(1e9, 2e10) == pytest.approx(1.2e20)  # Kaplan et al. (2020), sec. 2.1
    assert params.BYTES_PER_PARAM_ADAM == 16  # Rajbhandari et al. (2020), sec. 3
    with pytest.raises(ValueError, match="n_params and n_tokens must be positive"):
        params.training_flops(0, 10)
