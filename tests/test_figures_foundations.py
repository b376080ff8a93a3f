"""The diagrams of the transfer-learning and transformers chapters: what they print is what
transformers counts, and bad input gets a clear error."""

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from transformers import AutoConfig, BertConfig

from llmcourse.figures_transfer_learning import bert_input_figure
from llmcourse.figures_transformers import encoder_block_figure
from llmcourse.params import meta_model


def texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.axes[0].texts)


def test_encoder_block_figure_prints_the_counts_of_transformers():
    cfg = BertConfig(hidden_size=64, num_hidden_layers=3, num_attention_heads=4, intermediate_size=96,
                     vocab_size=500, max_position_embeddings=40)
    model = meta_model(cfg)
    layer = model.encoder.layer[0]
    count = lambda *ms: sum(p.numel() for m in ms for p in m.parameters())
    shown = texts(encoder_block_figure(cfg))
    assert f"= {count(model.embeddings):,}" in shown
    assert f"= {count(layer.attention.self, layer.attention.output.dense):,}" in shown
    assert f"= {count(layer.intermediate, layer.output.dense):,}" in shown
    assert f"one block: {count(layer):,} parameters" in shown
    assert f"whole encoder: {count(model):,}" in shown
    # and the formulas printed beside them, evaluated by hand
    d, d_ff = 64, 96
    for formula in [(500 + 40 + 2) * d + 2 * d, 4 * d * d + 4 * d, 2 * d * d_ff + d_ff + d, d * d + d]:
        assert f"= {formula:,}" in shown


def test_bert_input_figure_draws_three_embeddings_per_token():
    tokens, ids, segments = ["[CLS]", "hello", "[SEP]", "world", "[SEP]"], [101, 7592, 102, 2088, 102], [0, 0, 0, 1, 1]
    fig = bert_input_figure(tokens, ids, segments)
    shown = texts(fig)
    assert shown.count("E_A") == 3 and shown.count("E_B") == 2
    assert all(f"E[{i}]" in shown for i in ids) and "E_4" in shown
    assert len(fig.axes[0].patches) == 4 * len(tokens)


def test_bert_input_figure_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="one of each per position"):
        bert_input_figure(["[CLS]", "a"], [101], [0, 0])


def test_two_stages_figure_names_the_labelled_set():
    from llmcourse.figures_transfer_learning import two_stages_figure
    shown = texts(two_stages_figure(1234))
    assert "1,234 headlines" in shown and "pre-training" in shown and "fine-tuning" in shown
