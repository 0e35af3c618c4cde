"""The intent model on the labelled questions written for this test (never trained on)."""

from __future__ import annotations

from collections import Counter

from backend.assistant.classifier import model
from backend.assistant.intents import EXAMPLES
from tests.backend.assistant.labelled_questions import EN, QUESTIONS, ZH


def accuracy(questions: list[tuple[str, str]]) -> tuple[float, list[tuple[str, str, str]]]:
    wrong = []
    for text, label in questions:
        got = model().predict(text).intent
        if got != label:
            wrong.append((text, label, got))
    return 1 - len(wrong) / len(questions), wrong


def test_the_labelled_set_is_large_balanced_and_apart_from_training():
    assert len(ZH) >= 100 and len(EN) >= 100
    assert set(Counter(label for _, label in QUESTIONS)) == set(EXAMPLES)
    trained = {t.lower() for examples in EXAMPLES.values() for t in examples}
    assert not [q for q, _ in QUESTIONS if q.lower() in trained]


def test_intent_accuracy_is_at_least_ninety_percent_overall_and_per_language():
    overall, wrong = accuracy(QUESTIONS)
    zh, _ = accuracy(ZH)
    en, _ = accuracy(EN)
    assert overall >= 0.90, wrong
    assert zh >= 0.85 and en >= 0.85, (zh, en, wrong)
