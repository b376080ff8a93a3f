r"""Fake passing tests: a wrong encoder_params (type_vocab_size ignored) and, through an alias of the
notebook's `transformers`, BERT's embedding class swapped in its module for one that makes the same
mistake, so the hidden test's BertModel oracle would agree with the wrong formula. The static check cannot
follow the alias; the guard imported the tests' BertModel (and the modules of its classes) before any
student code and restores the module before the test cell.
Expected: 26
Base: reference
Log: restored .*modeling_bert\.BertEmbeddings
"""
# %% encoder_params
def encoder_params(n_layers: int, d_model: int, n_heads: int, d_ff: int, vocab_size: int, max_positions: int,
                   type_vocab_size: int = 2, pooler: bool = True) -> int:
    embeddings = (vocab_size + max_positions + 2) * d_model + layer_norm_params(d_model)
    layers = n_layers * decoder_layer_params(d_model, n_heads, d_ff, bias=True, layer_norm=True)
    return embeddings + layers + (d_model * d_model + d_model if pooler else 0)


library = transformers
bert_module = library.models.bert.modeling_bert
real_embeddings = bert_module.BertEmbeddings


class SameMistakeEmbeddings(real_embeddings):
    def __init__(self, config):
        config.type_vocab_size = 2
        super().__init__(config)


bert_module.BertEmbeddings = SameMistakeEmbeddings
