"""The learned red-flag layer: training, its gate, the artifact, and how it combines with the rules."""

import json
from itertools import product

import numpy as np
import pytest

from bot import redflag_model as rm
from bot import redflag_train as rt
from bot import triage
from tests.appkit import open_app

# A tiny corpus written for these tests (not the training corpus): enough for 3 folds.
HEART = ["my {p} feels crushed and I am sweating {w}", "a heavy {p} pressure spreading to my jaw {w}",
         "tight squeezing {p} and feel sick and clammy {w}"]
SEPSIS = ["since my operation I feel shivery and confused {w}, my {p} skin looks blotchy",
          "after surgery I am burning up and barely peeing {w}, {p} mottled"]
ROUTINE = ["my {p} is a bit stiff after gardening {w}", "sore {p} after a long run {w}, any stretches?",
           "my {p} aches when I sit at my desk all day {w}"]
PLACES = ["chest", "arm", "knee", "back"]
WHEN = ["today", "this morning", "since lunch", "tonight"]


def rows_for(templates, label, family):
    """Rows from every template, place and time."""
    return [{"text": t.format(p=p, w=w), "label": label, "family": family, "lang": "en", "pattern": "plain",
             "source": "test"} for t, p, w in product(templates, PLACES, WHEN)]


@pytest.fixture
def corpus(tmp_path):
    """A corpus folder with emergency, urgent and routine rows."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    rows = (rows_for(HEART, "emergency", "heart_vessels") + rows_for(SEPSIS, "urgent", "infection")
            + rows_for(ROUTINE, "routine", "routine"))
    (folder / "small.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return folder


LENIENT = {"min_recall": 0.0, "max_false_alarms": 1.0}


def test_train_is_deterministic(corpus, tmp_path):
    rt.train([corpus], tmp_path / "a", folds=3, targets=LENIENT)
    rt.train([corpus], tmp_path / "b", folds=3, targets=LENIENT)
    a, b = rm.load(tmp_path / "a"), rm.load(tmp_path / "b")
    assert a.vocabulary == b.vocabulary and a.classes == b.classes
    assert np.array_equal(a.coef, b.coef) and a.threshold == b.threshold
    assert a.manifest["corpus_sha256"] == b.manifest["corpus_sha256"]


def test_train_writes_manifest_with_versions_and_cv(corpus, tmp_path):
    import sklearn

    report = rt.train([corpus], tmp_path / "m", folds=3, targets=LENIENT)
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["sklearn"] == sklearn.__version__ and manifest["format"] == rm.FORMAT
    assert manifest["cv"]["both"]["red_flags"] == report["cv"]["both"]["red_flags"] == 80
    assert rm.THRESHOLD_FLOOR <= manifest["threshold"] < 1


def test_model_scores_like_sklearn(corpus):
    """The numpy scoring path gives scikit-learn's own probabilities."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = rm.load_corpus(rm.corpus_files([corpus]))
    docs = [rt.reading_features(r["text"]) for r in rows]
    labels = [rm.label_of(r) for r in rows]
    model = rm.fit(docs, labels)
    vectorizer = TfidfVectorizer(analyzer=rm._as_is, min_df=2, sublinear_tf=True)
    matrix = vectorizer.fit_transform(docs)
    reference = LogisticRegression(C=rm.C, tol=rm.TOL, max_iter=rm.MAX_ITER, class_weight="balanced")
    reference = reference.fit(matrix, labels)
    probe = rt.reading_features("crushing chest and clammy, also my knee is stiff")
    assert np.allclose(model.probabilities(probe), reference.predict_proba(vectorizer.transform([probe]))[0])


def test_train_below_target_fails_and_keeps_the_old_artifact(corpus, tmp_path):
    out = tmp_path / "m"
    rt.train([corpus], out, folds=3, targets=LENIENT)
    before = (out / "manifest.json").read_text()
    with pytest.raises(rm.TargetError, match="below target"):
        rt.train([corpus], out, folds=3, targets={"min_recall": 1.01})
    assert (out / "manifest.json").read_text() == before


def test_train_command_exits_non_zero_below_target(corpus, tmp_path):
    app = open_app({"INSTANCE_PATH": str(tmp_path / "inst"), "LOAD_INDEX_AT_START": False, "SECRET_KEY": "k"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["train-redflags", "--corpus", str(corpus), "--out", str(tmp_path / "m"),
                                 "--folds", "3", "--min-recall", "1.01"])
    assert result.exit_code != 0 and "below target" in result.output
    result = runner.invoke(args=["train-redflags", "--corpus", str(corpus), "--out", str(tmp_path / "m"),
                                 "--folds", "3", "--min-recall", "0", "--max-false-alarms", "1"])
    assert result.exit_code == 0, result.output
    assert "both" in result.output and (tmp_path / "m" / "manifest.json").exists()


@pytest.mark.parametrize("tamper, message", [
    (lambda d: (d / "arrays.npz").unlink(), "incomplete or unreadable"),
    (lambda d: _edit_manifest(d, format=999), "format 999"),
    (lambda d: _edit_manifest(d, sklearn="0.0.1"), "scikit-learn 0.0.1"),
    (lambda d: _edit_manifest(d, classes=["x"]), "do not match"),
])
def test_load_refuses_a_broken_or_stale_artifact(corpus, tmp_path, tamper, message):
    out = tmp_path / "m"
    rt.train([corpus], out, folds=3, targets=LENIENT)
    tamper(out)
    with pytest.raises(rm.ModelError, match=message) as caught:
        rm.load(out)
    assert "train-redflags" in str(caught.value)


def _edit_manifest(folder, **changes):
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest.update(changes)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def test_load_corpus_names_the_bad_line(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"text": "x", "label": "emergency", "family": "nope"}\n')
    with pytest.raises(rm.ModelError, match="bad.jsonl:1: family"):
        rm.load_corpus(rm.corpus_files([tmp_path]))


def prediction(score, emergency=False, family="infection", threshold=0.5):
    return rm.Prediction(score, 0.9 if emergency else 0.1, family, score >= threshold, emergency)


INSTRUCTIONS = triage.load_rules().instructions


def test_combine_never_lowers_a_rule():
    rules = triage.screen("crushing chest pain and sweating", learned=False)
    assert rules.level == "emergency"
    combined = triage.combine(rules, prediction(0.01), INSTRUCTIONS, None)
    assert combined.level == "emergency" and combined.source == "rules" and combined.learned_score is None
    both = triage.combine(rules, prediction(0.7), INSTRUCTIONS, None)
    assert both.level == "emergency" and both.source == "both" and both.learned_score == 0.7


def test_combine_raises_urgent_to_emergency_only_when_confident():
    rules = triage.screen("hot swollen knee and a fever", learned=False)
    assert rules.level == "urgent"
    assert triage.combine(rules, prediction(0.9), INSTRUCTIONS, None).level == "urgent"
    raised = triage.combine(rules, prediction(0.95, emergency=True), INSTRUCTIONS, {"emergency_number": "999"})
    assert raised.level == "emergency" and raised.source == "both"
    assert raised.message.startswith("Call 999 now")


def test_combine_learned_only_flag_is_urgent_with_score_family_and_numbers():
    quiet = triage.screen("my knee is stiff", learned=False)
    flagged = triage.combine(quiet, prediction(0.93, emergency=True, family="pregnancy"), INSTRUCTIONS,
                         {"emergency_number": "112"})
    assert flagged.level == "urgent" and flagged.source == "learned"
    assert flagged.learned_score == 0.93 and flagged.family == "pregnancy"
    assert "doctor today" in flagged.message and "112" in flagged.message
    calm = triage.combine(quiet, prediction(0.2), INSTRUCTIONS, None)
    assert calm.level == "none" and calm.source is None and calm.learned_score is None


def test_screen_uses_the_given_model(corpus, tmp_path, monkeypatch):
    rt.train([corpus], tmp_path / "m", folds=3, targets=LENIENT)
    model = rm.load(tmp_path / "m")
    monkeypatch.setattr(rm, "THRESHOLD_FLOOR", 0.0)
    model.threshold = 0.0  # fires on anything: shows the model is consulted
    result = triage.screen("my shoulder is a little stiff", learned=model)
    assert result.level in ("emergency", "urgent") and result.source == "learned" and result.learned_score is not None
    assert triage.screen("my shoulder is a little stiff", learned=False).learned_score is None


class _Counting:
    """A model stand-in that fires on everything and counts its calls."""

    def __init__(self):
        self.calls = 0

    def predict_text(self, text, negated):
        self.calls += 1
        return prediction(0.99, emergency=True, family="pregnancy")


def test_screen_skips_the_model_when_the_rules_say_emergency():
    """Nothing ranks above emergency: the model is not run, so a rules emergency carries no learned score
    (source "rules", not "both"); level, rule ids, message and family are what combine() would give."""
    model = _Counting()
    rules = triage.screen("crushing chest pain and sweating", learned=False)
    skipped = triage.screen("crushing chest pain and sweating", learned=model)
    assert model.calls == 0 and skipped == rules
    assert skipped.source == "rules" and skipped.learned_score is None
    combined = triage.combine(rules, model.predict_text("", []), INSTRUCTIONS, None)
    assert (combined.level, combined.rule_ids, combined.message, combined.family) == \
        (skipped.level, skipped.rule_ids, skipped.message, skipped.family)
    urgent = triage.screen("hot swollen knee and a fever", learned=model)  # below emergency: still consulted
    assert model.calls == 2 and urgent.level == "emergency" and urgent.source == "both"


def test_bundled_model_matches_the_corpus_it_ships_with():
    """The artifact `make install` builds is trained on this checkout's corpus (built here when missing)."""
    files = rm.corpus_files([rm.CORPUS_DIR]) if list(rm.CORPUS_DIR.glob("*.jsonl")) else []
    if not files:
        assert rm.load_default.__wrapped__() is None  # no corpus, no model: the rules screen alone
        return
    if not (rm.MODEL_DIR / "manifest.json").exists():  # make install builds it; the gate is tested above
        rt.train([rm.CORPUS_DIR], rm.MODEL_DIR, targets=LENIENT)
    model = rm.load(rm.MODEL_DIR)
    assert model.manifest["corpus_sha256"] == rm.corpus_hash(files), "stale: run `clinicbot train-redflags`"


def test_model_alone_never_flags_a_bare_short_complaint(corpus, tmp_path, monkeypatch):
    rt.train([corpus], tmp_path / "m", folds=3, targets=LENIENT)
    model = rm.load(tmp_path / "m")
    monkeypatch.setattr(rm, "THRESHOLD_FLOOR", 0.0)
    model.threshold = 0.0
    assert triage.screen("back pain", learned=model).level == "none"
    assert triage.screen("PAIN:0:0:0:0:0 1 2 3", learned=model).level == "none"  # numbers are not words
    assert triage.screen("my back has been sore for two weeks now", learned=model).source == "learned"


@pytest.mark.parametrize("score, p_emergency, family, level", [
    (0.97, 0.80, "heart_vessels", "emergency"),   # most of the red-flag mass is emergency
    (0.97, 0.40, "limbs_trauma", "emergency"),    # a third of it is enough: under-triage costs more
    (0.97, 0.30, "pregnancy", "urgent"),
    (0.97, 0.10, "allergy", "emergency"),         # anaphylaxis: never answered below emergency
])
def test_learned_level_takes_the_likelier_level_with_an_emergency_floor(score, p_emergency, family, level):
    assert rm.learned_level(score, p_emergency, family) == level


def test_combine_learned_only_emergency_leads_with_the_emergency_number():
    quiet = triage.screen("my knee is stiff", learned=False)
    pred = rm.Prediction(0.97, 0.9, "heart_vessels", True, False, "emergency")
    flagged = triage.combine(quiet, pred, INSTRUCTIONS, {"emergency_number": "112"})
    assert flagged.level == "emergency" and flagged.source == "learned"
    assert flagged.message.startswith("Call 112")


def test_combined_level_of_a_learned_flag_is_never_below_urgent():
    for level in ("emergency", "urgent"):
        pred = rm.Prediction(0.97, 0.5, "spine", True, False, level)
        assert rt.combined_level("none", pred) == level
        assert rt.combined_level("emergency", pred) == "emergency"


def _three_class_model(emergency_cut: float) -> rm.Model:
    """A model with no features: _decide() is fed class probabilities directly."""
    classes = ["emergency/heart_vessels", "routine/routine", "urgent/heart_vessels"]
    return rm.Model({}, np.zeros(0), np.zeros((3, 0)), np.zeros(3), classes, 0.95, emergency_cut)


def test_model_raises_a_rules_urgent_from_the_cross_validated_cut():
    """A rule's urgent is raised where cross-validation trusts the model (0.6 here), not only from 0.9."""
    model = _three_class_model(0.6)
    assert model._decide(np.array([0.70, 0.02, 0.28]), 10).emergency
    assert not model._decide(np.array([0.50, 0.02, 0.48]), 10).emergency  # under the cut
    assert not model._decide(np.array([0.70, 0.10, 0.20]), 10).emergency  # does not fire (score 0.90)


@pytest.mark.parametrize("negated", [[], [(0, 7)], [(8, 20)], [(0, 3), (3, 9)]])
def test_predict_text_pairs_by_ids_or_by_text_give_predict_of_features(negated):
    """Pairs looked up by their words' ids (the shipped vocabulary) and, for a vocabulary holding a pair whose
    word it lacks, by their text: both give predict(features()) exactly."""
    text = "chest pain and chest pain, arm numb numb"
    feats = rm.features(text, negated)
    vocab = {f: i for i, f in enumerate(dict.fromkeys(feats + ["zz chest"]))}
    for vocabulary in ({k: v for k, v in vocab.items() if k != "zz chest"}, vocab):
        size = len(vocabulary)
        rng = np.random.default_rng(0)
        model = rm.Model({k: i for i, k in enumerate(vocabulary)}, rng.random(size) + 1, rng.normal(size=(3, size)),
                         rng.normal(size=3), ["emergency/spine", "routine/routine", "urgent/infection"])
        assert (model._pairs is None) == ("zz chest" in vocabulary)
        assert model.predict_text(text, negated) == model.predict(feats)


@pytest.mark.parametrize("text, negated", [("", []), ("...", []), ("x", [(0, 1)]), ("no pain at all", [(3, 14)])])
def test_predict_text_of_empty_or_fully_denied_text_is_predict_of_features(text, negated):
    model = rm.load_default()
    if model is None:
        pytest.skip("no model artifact")
    assert model.predict_text(text, negated) == model.predict(rm.features(text, negated))


def test_words_kept_reads_denials_as_features_does_with_bounds_anywhere():
    """Stretch by stretch between the bounds, or word by word when a bound falls inside a word: the same words
    denied as features() denies, for spans at random places (a word is denied when it starts inside a span)."""
    text = "no chest pain, arm 22 numb and  hip ok; no fever nor rash today"
    rng = np.random.default_rng(1)
    for _ in range(300):
        bounds = np.sort(rng.choice(len(text) + 1, size=2 * int(rng.integers(1, 4)), replace=False)).tolist()
        negated = list(zip(bounds[::2], bounds[1::2], strict=True))
        words, kept = rm._words_kept(text, negated)
        expected = [f for f in rm.features(text, negated) if " " not in f and not f.startswith("#")]
        assert [w if k else "~" + w for w, k in zip(words, kept.tolist(), strict=True)] == expected, negated
