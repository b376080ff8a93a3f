"""The small causal LM and the prompting classifier: masking, tying, prompts, scoring, training."""

import random

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from llmcourse import icl, training

TEXTS = ["shares fell as the bank reported profits", "the film won an award", "the minister called an election",
         "the striker scored a goal in the match", "new software for mobile phones"]  # one per label, in order
WORDS = ["business", "entertainment", "politics", "sport", "technology"]


def tiny_lm(vocab=50, block=16, n_layer=2, seed=0):
    torch.manual_seed(seed)
    return icl.CausalLM(icl.GPTConfig(vocab_size=vocab, block_size=block, n_layer=n_layer, n_head=2, d_model=16))


def test_causal_masking_future_tokens_do_not_change_the_past():
    lm = tiny_lm().eval()
    x = torch.randint(0, 50, (3, 12))
    y = x.clone()
    y[:, 7:] = torch.randint(0, 50, (3, 5))  # change every token after position 6
    with torch.no_grad():
        a, b = lm(x), lm(y)
    torch.testing.assert_close(a[:, :7], b[:, :7])
    assert not torch.allclose(a[:, 7:], b[:, 7:])


def test_head_is_tied_to_the_token_embedding():
    lm = tiny_lm()
    assert lm.head.weight is lm.tok_emb.weight
    n_untied = sum(p.numel() for p in lm.parameters()) + lm.head.weight.numel()
    assert training.count_params(lm) == n_untied - 50 * 16  # the V x d matrix is counted once


def test_parameter_count_formula():
    V, T, d, L = 50, 16, 16, 2
    per_block = 2 * 2 * d + (3 * d * d + 3 * d) + (d * d + d) + (4 * d * d + 4 * d) + (4 * d * d + d)
    assert training.count_params(tiny_lm()) == V * d + T * d + L * per_block + 2 * d


def test_too_long_input_is_a_clear_error():
    with pytest.raises(ValueError, match="longer than the context"):
        tiny_lm()(torch.zeros(1, 17, dtype=torch.long))


def test_prompt_formatting_in_the_seed_style():
    assert icl.label_menu(["politics", "sports", "business", "technology"]) == \
        "0: politics, 1: sports, 2: business, 3: technology"
    p = icl.build_prompt("Stocks rally", WORDS, [("Cup final tonight", "sport")])
    assert p.startswith("Classify the topic of the article. Topics: 0: business, 1: entertainment, 2: politics, "
                        "3: sport, 4: technology.")
    assert "Article: Cup final tonight Topic: sport\n\nArticle: Stocks rally Topic:" in p
    assert p.endswith("Topic:")
    assert icl.format_example("x", "sport", rationale="it mentions a cup final") == \
        "Article: x Reasoning: it mentions a cup final Topic: sport"
    assert icl.truncate_words("Hello, World! again", 3) == "hello , world"


def test_tokenizer_keeps_required_words_and_rejects_multi_token_labels():
    tok = icl.WordTokenizer(TEXTS, vocab_size=20, required=WORDS)
    assert all(tok.decode([tok.token_id(w)]) == w for w in WORDS)
    assert tok.encode("zebra") == [tok.unk_id]
    with pytest.raises(ValueError, match="single in-vocabulary token"):
        tok.token_id("sci tech")


class BagOfWordsLM(icl.CausalLM):
    """A constructed LM whose next-token logits are W times the mean one-hot of the tokens so far."""

    def __init__(self, vocab: int, W: torch.Tensor):
        super().__init__(icl.GPTConfig(vocab_size=vocab, block_size=256, n_layer=0, n_head=1, d_model=vocab))
        self.head = nn.Linear(vocab, vocab, bias=False)
        self.head.weight = nn.Parameter(W)

    def hidden(self, idx):
        one_hot = F.one_hot(idx, self.cfg.vocab_size).float()
        return one_hot.cumsum(1) / torch.arange(1, idx.shape[1] + 1)[None, :, None]  # causal mean


def constructed_case():
    tok = icl.WordTokenizer(TEXTS + ["n / a"], vocab_size=200, required=WORDS)
    V = len(tok)
    W = torch.zeros(V, V)
    for text, word in zip(TEXTS, WORDS):  # each topic's words raise the log-odds of its label word
        for t in tok.encode(text):
            W[tok.token_id(word), t] += 5.0
    W[tok.token_id("business"), :] += 3.0  # a prior that favours 'business' whatever the text
    return tok, BagOfWordsLM(V, W)


def test_scoring_picks_the_label_with_the_highest_likelihood():
    tok, lm = constructed_case()
    scores = icl.label_scores(lm, tok, [icl.build_prompt(t, WORDS) for t in TEXTS], WORDS)
    logp = icl.next_token_logprobs(lm, [tok.encode(icl.build_prompt(t, WORDS)) for t in TEXTS])
    ids = [tok.token_id(w) for w in WORDS]
    torch.testing.assert_close(scores, logp[:, ids])
    pred, _ = icl.classify(lm, tok, TEXTS, WORDS, calibrate=True)
    assert pred.tolist() == list(range(5))  # every text gets its topic


def test_calibration_removes_the_label_prior():
    tok, lm = constructed_case()
    weak = ["award"]  # little evidence: the prior for 'business' wins without calibration
    raw, _ = icl.classify(lm, tok, weak, WORDS, calibrate=False)
    cal, scores = icl.classify(lm, tok, weak, WORDS, calibrate=True)
    assert WORDS[raw.item()] == "business" and WORDS[cal.item()] == "entertainment"
    uncal = icl.label_scores(lm, tok, [icl.build_prompt(weak[0], WORDS)], WORDS)
    free = icl.label_scores(lm, tok, [icl.build_prompt(icl.CONTENT_FREE, WORDS)], WORDS)
    torch.testing.assert_close(scores, uncal - free)


def test_right_padding_does_not_change_scores():
    lm = tiny_lm(block=32).eval()
    prompts = [[1, 2, 3], [4, 5, 6, 7, 8, 9, 10]]
    together = icl.next_token_logprobs(lm, prompts)
    alone = torch.cat([icl.next_token_logprobs(lm, [p]) for p in prompts])
    torch.testing.assert_close(together, alone)


def test_continuation_logprobs_match_a_direct_computation():
    lm = tiny_lm(block=32).eval()
    prefix, cont = [3, 4, 5], [6, 7]
    got = icl.continuation_logprobs(lm, [prefix, [1]], [cont, [2, 3, 4]])
    with torch.no_grad():
        logp = F.log_softmax(lm(torch.tensor([prefix + cont])), -1)[0]
    expected = (logp[2, 6] + logp[3, 7]) / 2
    torch.testing.assert_close(got[0], expected)


def test_prompts_longer_than_the_context_are_rejected():
    lm = tiny_lm(block=8)
    with pytest.raises(ValueError, match="longer than the context"):
        icl.next_token_logprobs(lm, [list(range(9))])


def test_demonstrations_are_sampled_reproducibly():
    pool = [(t, i) for i, t in enumerate(TEXTS)]
    a = icl.sample_demonstrations(pool, 3, random.Random(1))
    assert a == icl.sample_demonstrations(pool, 3, random.Random(1)) and len(set(a)) == 3
    with pytest.raises(ValueError, match="pool has only"):
        icl.sample_demonstrations(pool, 6, random.Random(1))


def test_tiny_model_trains_loss_falls():
    tok = icl.WordTokenizer(TEXTS * 4, vocab_size=100)
    ds = icl.lm_windows(tok, TEXTS * 20, block_size=8)
    assert torch.equal(ds.tensors[0][0, 1:], ds.tensors[1][0, :-1])  # targets are inputs shifted by one
    lm = icl.CausalLM(icl.GPTConfig(vocab_size=len(tok), block_size=8, n_layer=1, n_head=2, d_model=32))
    h = training.train(lm, training.loader(ds, 16, shuffle=True), None, epochs=3, lr=1e-2,
                       loss_fn=icl.lm_loss, progress=False)
    assert h.train_loss[-1] < 0.7 * h.train_loss[0]


def test_classifier_head_reads_the_last_real_token():
    lm = tiny_lm(block=16).eval()
    clf = icl.CausalLMClassifier(lm, 5).eval()
    ids = torch.tensor([[1, 2, 3, 0, 0], [1, 2, 3, 4, 5]])
    out = clf(ids, torch.tensor([3, 5]))
    alone = clf(torch.tensor([[1, 2, 3]]), torch.tensor([3]))
    torch.testing.assert_close(out[0], alone[0])


def test_prompt_cost_has_a_quadratic_attention_term():
    lin1, att1 = icl.forward_flops(100, 64, 2)
    lin2, att2 = icl.forward_flops(200, 64, 2)
    assert lin2 == 2 * lin1 and att2 == 4 * att1
    assert lin1 == 24 * 100 * 64 ** 2 * 2 and att1 == 4 * 100 ** 2 * 64 * 2


def test_channel_scoring_picks_the_topic_whose_prompt_best_predicts_the_text():
    tok = icl.WordTokenizer(TEXTS + ["n / a"], vocab_size=200, required=WORDS)
    V = len(tok)
    W = torch.zeros(V, V)
    shared = {t for i, a in enumerate(TEXTS) for b in TEXTS[i + 1:] for t in set(tok.encode(a)) & set(tok.encode(b))}
    for text, word in zip(TEXTS, WORDS):  # a label word in the context raises its topic's own words
        for t in set(tok.encode(text)) - shared:
            W[t, tok.token_id(word)] += 40.0
    lm = BagOfWordsLM(V, W)
    pred, scores = icl.classify_channel(lm, tok, TEXTS, WORDS)
    assert pred.tolist() == list(range(5)) and scores.shape == (5, 5)
    with pytest.raises(ValueError, match="single in-vocabulary token"):
        icl.classify_channel(lm, tok, TEXTS[:1], ["business", "zebra"])


class EmbeddingEncoder(nn.Module):
    """A stand-in sentence encoder: each token's hidden state is its embedding."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.emb = nn.Embedding(30522, 8)

    def forward(self, input_ids, attention_mask):
        from types import SimpleNamespace
        return SimpleNamespace(last_hidden_state=self.emb(input_ids))


def test_sentence_embeddings_mean_pool_real_tokens_only():
    from llmcourse.pretrained import load_tokenizer
    tokenizer, enc = load_tokenizer(), EmbeddingEncoder()
    texts = ["shares fell", "the striker scored a late goal in the cup final"]
    together = icl.sentence_embeddings(enc, tokenizer, texts)
    alone = torch.cat([icl.sentence_embeddings(enc, tokenizer, [t]) for t in texts])
    torch.testing.assert_close(together, alone)
    torch.testing.assert_close(together.norm(dim=-1), torch.ones(2))


def test_nearest_label_uses_cosine_similarity():
    emb = F.normalize(torch.tensor([[1.0, 0.1], [0.1, 1.0]]), dim=-1)
    labels = torch.tensor([[10.0, 0.0], [0.0, 0.5]])  # lengths must not matter
    pred, sims = icl.nearest_label(emb, labels)
    assert pred.tolist() == [0, 1]
    torch.testing.assert_close(sims, emb @ F.normalize(labels, dim=-1).T)


def test_keyword_evidence_finds_distinctive_words():
    train = ["goal match cup"] * 6 + ["shares profits bank"] * 6
    labels = [0] * 6 + [1] * 6
    ev, keywords = icl.keyword_evidence(train, labels, ["a late goal in the cup", "bank shares rose"], 2,
                                        n_keywords=3, min_count=2)
    assert set(keywords[0]) == {"goal", "match", "cup"} and set(keywords[1]) == {"shares", "profits", "bank"}
    assert ev.tolist() == [[2, 0], [0, 2]]
