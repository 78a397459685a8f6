"""Train the learned red-flag layer: cross-validate, pick its thresholds, write the artifact.

Deterministic: the corpus files are read in name order, the folds are
stratified with a fixed seed, and lbfgs has no randomness, so the same corpus
and library versions give the same artifact. The figures that gate the build
are those of the whole screen (the fixed rules plus the model of each fold)
on the fold's held-back rows: red-flag recall and false alarms on routine
rows. Below TARGETS the artifact is not replaced and TargetError is raised.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from bot import redflag_model as rm
from bot import triage


def reading_features(message: str) -> list[str]:
    """features() of a raw message, read as the rules read it (for training and the bench)."""
    reading = triage.read_once(message, triage.load_rules())
    return rm.features(reading.text, reading.negated)


def rules_levels(rows: list[dict]) -> list[str]:
    """The level the rules alone give each row."""
    return [triage.screen(row["text"], learned=False).level for row in rows]


def combined_level(rules_level: str, pred: rm.Prediction) -> str:
    """The whole screen's level: the model raises, never lowers (see bot.triage.screening.combine)."""
    if rules_level == "emergency":
        return "emergency"
    if rules_level == "urgent":
        return "emergency" if pred.fires and pred.emergency else "urgent"
    return pred.level if pred.fires else "none"


def folds_for(labels: list[str], folds: int) -> list[np.ndarray]:
    """Stratified fold assignment (fixed seed); classes rarer than the folds are spread round-robin."""
    from sklearn.model_selection import StratifiedKFold

    counts = Counter(labels)
    strata = [label if counts[label] >= folds else "rare" for label in labels]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    return [test for _, test in splitter.split(np.zeros(len(labels)), strata)]


def out_of_fold(docs: list[list[str]], labels: list[str], folds: int, c: float = rm.C) -> list[np.ndarray]:
    """Each row's class probabilities from a model that never saw it, with that model's classes."""
    probs: list = [None] * len(docs)
    for test in folds_for(labels, folds):
        held = set(test.tolist())
        train = [i for i in range(len(docs)) if i not in held]
        model = rm.fit([docs[i] for i in train], [labels[i] for i in train], c)
        for i in test:
            probs[i] = (model.classes, model.probabilities(docs[i]))
    return probs


def scores(probs: list) -> tuple[np.ndarray, np.ndarray]:
    """(1 - P(routine), P(emergency)) of each row from out_of_fold()."""
    score, emergency = [], []
    for classes, p in probs:
        score.append(1.0 - sum(q for c, q in zip(classes, p, strict=True) if c.startswith("routine/")))
        emergency.append(sum(q for c, q in zip(classes, p, strict=True) if c.startswith("emergency/")))
    return np.array(score), np.array(emergency)


def top_families(probs: list) -> list[str | None]:
    """The likeliest red-flag family of each row from out_of_fold() (its classes' mass summed)."""
    out = []
    for classes, p in probs:
        mass: dict[str, float] = {}
        for c, q in zip(classes, p, strict=True):
            if not c.startswith("routine/"):
                family = c.split("/", 1)[1]
                mass[family] = mass.get(family, 0.0) + float(q)
        out.append(max(mass, key=mass.get) if mass else None)
    return out


def choose_threshold(score: np.ndarray, routine: np.ndarray, by_rules: np.ndarray) -> float:
    """The lowest threshold keeping the whole screen's cross-validated false alarms within THRESHOLD_FALSE_ALARMS.

    by_rules marks the rows the rules flag: their false alarms are spent before the model's.
    """
    for t in np.round(np.arange(rm.THRESHOLD_FLOOR, 0.99, 0.01), 2):
        if routine.sum() == 0 or ((score >= t) | by_rules)[routine].mean() <= rm.THRESHOLD_FALSE_ALARMS:
            return float(t)
    return 0.99


def choose_emergency_cut(p_emergency: np.ndarray, is_emergency: np.ndarray) -> float:
    """The lowest P(emergency) at which cross-validated emergency calls are right EMERGENCY_PRECISION of the time."""
    for t in np.round(np.arange(0.6, 0.99, 0.01), 2):
        called = p_emergency >= t
        if called.sum() >= 5 and is_emergency[called].mean() >= rm.EMERGENCY_PRECISION:
            return float(t)
    return 1.01  # never raise


def figures(rows: list[dict], levels: list[str]) -> dict:
    """Recall, exact level, under-triage on red-flag rows; false alarms on routine rows."""
    red = [(r, lv) for r, lv in zip(rows, levels, strict=True) if r["label"] != "routine"]
    routine = [lv for r, lv in zip(rows, levels, strict=True) if r["label"] == "routine"]
    flagged = sum(lv in ("emergency", "urgent") for _, lv in red)
    return {
        "red_flags": len(red), "flagged": flagged, "recall": flagged / len(red) if red else 1.0,
        "exact": sum(lv == r["label"] for r, lv in red) / len(red) if red else 1.0,
        "emergency_below_urgent": sum(r["label"] == "emergency" and lv not in ("emergency", "urgent")
                                      for r, lv in red),
        "routine": len(routine),
        "false_alarms": sum(lv in ("emergency", "urgent") for lv in routine) / len(routine) if routine else 0.0,
    }


def cross_validate(rows: list[dict], docs: list[list[str]], folds: int, c: float = rm.C) -> dict:
    """Out-of-fold figures of the rules alone, the model alone and both; and the thresholds they imply."""
    labels = [rm.label_of(r) for r in rows]
    probs = out_of_fold(docs, labels, folds, c)
    score, p_emergency = scores(probs)
    families = top_families(probs)
    routine = np.array([r["label"] == "routine" for r in rows])
    by_rules = rules_levels(rows)
    threshold = choose_threshold(score, routine, np.array([lv in ("emergency", "urgent") for lv in by_rules]))
    cut = choose_emergency_cut(p_emergency, np.array([r["label"] == "emergency" for r in rows]))
    enough = [rm.word_count(doc) >= rm.MIN_WORDS for doc in docs]
    raise_at = max(cut, rm.EMERGENCY_FLOOR)  # as the shipped screen raises (Model._decide)
    preds = [rm.Prediction(float(s), float(e), f, ok and s >= threshold, ok and s >= threshold and e >= raise_at,
                           rm.learned_level(float(s), float(e), f))
             for s, e, ok, f in zip(score, p_emergency, enough, families, strict=True)]
    model_only = [combined_level("none", p) for p in preds]
    both = [combined_level(lv, p) for lv, p in zip(by_rules, preds, strict=True)]
    return {"folds": folds, "threshold": threshold, "emergency_cut": cut,
            "rules": figures(rows, by_rules), "model": figures(rows, model_only), "both": figures(rows, both)}


def train(corpus_dirs: list[Path], out: Path, folds: int = 5, targets: dict | None = None, c: float = rm.C) -> dict:
    """Cross-validate, fit on every row, and write the artifact when the whole screen meets the targets."""
    import sklearn

    targets = {**rm.TARGETS, **(targets or {})}
    files = rm.corpus_files(corpus_dirs)
    rows = rm.load_corpus(files)
    docs = [reading_features(r["text"]) for r in rows]
    cv = cross_validate(rows, docs, folds, c)
    both = cv["both"]
    missed = []
    if both["recall"] < targets["min_recall"]:
        missed.append(f"red-flag recall {both['recall']:.3f} < {targets['min_recall']}")
    if both["false_alarms"] > targets["max_false_alarms"]:
        missed.append(f"false alarms {both['false_alarms']:.3f} > {targets['max_false_alarms']}")
    report = {"rows": len(rows), "labels": dict(Counter(r["label"] for r in rows)),
              "langs": dict(Counter(r.get("lang", "?") for r in rows)), "cv": cv, "targets": targets}
    if missed:
        raise rm.TargetError("cross-validation below target: " + "; ".join(missed) + f" (the artifact {out} was "
                          "not replaced)")
    model = rm.fit(docs, [rm.label_of(r) for r in rows], c)
    model.threshold, model.emergency_cut = cv["threshold"], cv["emergency_cut"]
    model.manifest = {"sklearn": sklearn.__version__, "numpy": np.__version__, "corpus_sha256": rm.corpus_hash(files),
                      "corpus_files": [f.name for f in files], "C": c, **report}
    rm.save(model, out)
    return report
