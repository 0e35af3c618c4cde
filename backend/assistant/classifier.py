"""The intent model: TF-IDF over character n-grams and jieba words, then logistic regression.

It trains in well under a second from ``intents.EXAMPLES`` when first used and runs offline; the
character n-grams carry Chinese and English alike, the jieba words carry whole Chinese terms.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import jieba

from backend.assistant.intents import EXAMPLES

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.strip().lower())


def words(text: str) -> list[str]:
    """jieba's words for Chinese, whole words for English; punctuation dropped."""
    return [w for w in jieba.lcut(text) if w.strip() and re.search(r"\w", w)]


@dataclass(frozen=True, slots=True)
class Prediction:
    intent: str
    confidence: float
    # The runner-up, to explain a close call.
    second: str
    second_confidence: float


class IntentModel:
    def __init__(self, examples: dict[str, list[str]]) -> None:
        # scikit-learn takes seconds to import: only when the assistant is first asked.
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline

        texts = [normalise(t) for intent in sorted(examples) for t in examples[intent]]
        labels = [intent for intent in sorted(examples) for _ in examples[intent]]
        features = FeatureUnion(
            [
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)),
                ("words", TfidfVectorizer(analyzer=words, sublinear_tf=True)),
            ]
        )
        self.pipeline = make_pipeline(features, LogisticRegression(C=20.0, max_iter=3000))
        self.pipeline.fit(texts, labels)
        self.classes = list(self.pipeline.classes_)

    def predict(self, text: str) -> Prediction:
        probabilities = self.pipeline.predict_proba([normalise(text)])[0]
        ranked = sorted(zip(probabilities, self.classes, strict=True), reverse=True)
        (p1, c1), (p2, c2) = ranked[0], ranked[1]
        return Prediction(c1, float(p1), c2, float(p2))


@functools.cache
def model() -> IntentModel:
    return IntentModel(EXAMPLES)
