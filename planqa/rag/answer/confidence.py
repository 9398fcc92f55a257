"""The fitted confidence that the documents answer a question, and the refusal below its threshold.

The answerer gathers graded evidence about its best candidates (``FEATURES``):
how much of the question they cover, how close they are in meaning, whether a
figure, unit or named indicator asked for is there at all. A logistic model fitted on
the dev questions (``planqa.rag.answer.fit``, by leave-one-document-out
cross-validation) weighs them into one probability; below the model's threshold
the answer is a refusal, explained by the piece of evidence that weighed most
against it. Facts the knowledge base settles (a place or a year it holds no
document of, a thing the corpus never writes, a figure of a thing its documents never write)
refuse before any of this.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

MODEL_FILE = "confidence.json"

FEATURES = (
    "coverage",  # the best candidate's weighted share of the question's content
    "second_coverage",  # … and the next one's: an answer rarely stands in one sentence alone by chance
    "semantic",  # embedding similarity of question and best candidate (0 without an embedder)
    "section",  # how much of the question a section heading holds (有哪些保障措施 → 保障措施)
    "numeric_coverage",  # a figure question: the best coverage among candidates that hold a figure
    "named_share",  # a figure asked by name (商品销售总额): how much of the name the candidates hold
    "measure_fit",  # a figure asked in a unit or measure (多少亿元): some candidate states one
    "dropped",  # the share of candidates set aside as about another year, period or place
    "foreign",  # the question names a thing no document of the corpus writes (none of its character pairs)
    # the same evidence as steps, where a little less changes the meaning: under the coverage an answer needs
    # (the ``refuse_threshold`` setting), the named indicator mostly missing
    "weak", "numeric_weak", "named_missing",
    "q_number", "q_list", "q_summary", "q_short",  # the kind of question
)


class ModelError(ValueError):
    """The model file does not fit this code (other features, missing fields)."""


@dataclass(frozen=True)
class Confidence:
    """``probability(evidence)``; ``refuses(p)`` below ``threshold``; ``against(evidence)`` explains."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    features: tuple[str, ...] = FEATURES
    cv: dict = field(default_factory=dict)

    def __post_init__(self):
        if tuple(self.features) != FEATURES:
            raise ModelError(f"the confidence model's features {list(self.features)} differ from the code's "
                             f"{list(FEATURES)}: refit it with python -m planqa.rag.answer.fit")
        if not len(self.mean) == len(self.scale) == len(self.coef) == len(FEATURES):
            raise ModelError("the confidence model's vectors differ in length from its feature list")

    def contributions(self, evidence: dict[str, float]) -> dict[str, float]:
        """Each feature's share of the logit (standardised value × coefficient)."""
        return {n: c * (evidence.get(n, 0.0) - m) / s
                for n, m, s, c in zip(self.features, self.mean, self.scale, self.coef)}

    def probability(self, evidence: dict[str, float]) -> float:
        z = self.intercept + sum(self.contributions(evidence).values())
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0

    def refuses(self, p: float) -> bool:
        return p < self.threshold

    def against(self, evidence: dict[str, float], among: tuple[str, ...]) -> str:
        """The feature among ``among`` that weighs most against answering ('' when none does)."""
        parts = {n: v for n, v in self.contributions(evidence).items() if n in among and v < 0}
        return min(parts, key=parts.get) if parts else ""

    @classmethod
    def from_dict(cls, d: dict) -> "Confidence":
        try:
            return cls(tuple(d["mean"]), tuple(d["scale"]), tuple(d["coef"]), float(d["intercept"]),
                       float(d["threshold"]), tuple(d["features"]), dict(d.get("cv", {})))
        except (KeyError, TypeError, ValueError) as e:
            raise ModelError(f"the confidence model file is not usable ({e}): refit it with "
                             "python -m planqa.rag.answer.fit") from None

    def to_dict(self) -> dict:
        return {"features": list(self.features), "mean": list(self.mean), "scale": list(self.scale),
                "coef": list(self.coef), "intercept": self.intercept, "threshold": self.threshold, "cv": self.cv}


def load(path: str | Path | None = None) -> Confidence:
    """The shipped model (``confidence.json`` beside this module), or the one at ``path``."""
    try:
        text = Path(path).read_text("utf-8") if path else \
            resources.files("planqa.rag.answer").joinpath(MODEL_FILE).read_text("utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as e:
        raise ModelError(f"cannot read the confidence model ({e}): reinstall planqa or refit it with "
                         "python -m planqa.rag.answer.fit") from None
    return Confidence.from_dict(data)
