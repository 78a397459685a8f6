"""Compare variants of the learned red-flag layer on the same footing (an experiment tool, aggregates only).

    .venv/bin/python -m bench.model_variants shipped baseline C30:lofo=0 C30:group=1,lofo=0 \
        C10:model_budget=0.003,floor=0.5      (names: VARIANTS below, tol 1e-3 unless named)

Options: lofo=0 skips leave-one-family-out; group=1 folds by the hand-written sentence a composed row was
built from (core_groups); threshold=T fixes the threshold; model_budget=B picks the lowest threshold (from
floor=F, default THRESHOLD_FLOOR) at which the model alone flags at most B of the routine rows under CV;
otherwise the threshold is chosen as the build chooses it (redflag_train.choose_threshold).

For each variant: 5-fold CV of the model alone and of the whole screen (rules + model), the threshold
it picks, leave-one-family-out recall of the model alone, the held-out sets' aggregate figures
(recall / exact level / emergencies below urgent / false alarms, as bench.safety prints them) and the
corpus look-alikes' false alarms of the model fitted on everything. Held-out rows are read only to
score them; nothing prints or stores a row (see cached()).
"""

from __future__ import annotations

import pickle
import re
import sys
import time
from pathlib import Path

import numpy as np

from bench import safety
from bot import redflag_model as rm
from bot import redflag_train as rt

CACHE_DIR = Path("/tmp")
SETS = [safety.HELDOUT, safety.HELDOUT_2, safety.HELDOUT_3, safety.HELDOUT_4]


def core_groups(rows: list[dict]) -> list[str]:
    """Each row's group for honest CV: the hand-written sentence a composed row was built from, else itself.

    English composed rows are listed in composed_cores_en.tsv; a Spanish buried / exercise / typo row
    is matched to the hand-written row of its presentation whose words it holds most (>= 70%).
    """
    core = {}
    for line in (rm.CORPUS_DIR / "composed_cores_en.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        f, n, c = line.split("\t", 2)
        core[(f, int(n))] = c.lower()
    def tok(text: str) -> set[str]:
        return set(re.findall(r"\w+", text.lower()))
    hand: dict = {}
    for r in rows:
        if r["lang"] == "es" and r["pattern"] not in ("buried", "exercise_question", "typo"):
            hand.setdefault(r["presentation"], []).append((r["text"].lower(), tok(r["text"])))
    out = []
    for r in rows:
        g = core.get((r["_file"], r["_line"]))
        if g is None and r["lang"] == "es" and r["pattern"] in ("buried", "exercise_question", "typo"):
            words = tok(r["text"])
            best = max(hand.get(r["presentation"], []), key=lambda h: len(h[1] & words) / len(h[1]), default=None)
            if best is not None and len(best[1] & words) / len(best[1]) >= 0.7:
                g = best[0]
        out.append(g or r["text"].lower())
    return out


def with_places(rows: list[dict]) -> list[dict]:
    """The corpus rows with their file and line (load_corpus reads the files in the same order)."""
    places = []
    for path in rm.corpus_files([rm.CORPUS_DIR]):
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if line.strip():
                places.append((path.name, n))
    assert len(places) == len(rows)
    return [{**r, "_file": f, "_line": n} for r, (f, n) in zip(rows, places, strict=True)]


def cached() -> dict:
    """The corpus as the screen reads it with the rules' levels (kept in /tmp under the hash of the rules file
    and the corpus; delete it after changing the reading code), then the held-out sets and the dev queries,
    read afresh in memory on every run (never written anywhere)."""
    import hashlib
    key = hashlib.sha256((rm.ROOT / "data" / "redflags.toml").read_bytes()
                         + rm.corpus_hash(rm.corpus_files([rm.CORPUS_DIR])).encode()).hexdigest()[:16]
    cache = CACHE_DIR / f"clinicbot_model_variants_{key}.pkl"
    if cache.exists():
        data = pickle.loads(cache.read_bytes())
    else:
        rows = rm.load_corpus(rm.corpus_files([rm.CORPUS_DIR]))
        data = {"rows": rows, "docs": [rt.reading_features(r["text"]) for r in rows], "rules": rt.rules_levels(rows)}
        cache.write_bytes(pickle.dumps(data))
    data["sets"] = []
    for path in SETS:
        held = safety.load_jsonl(path)
        data["sets"].append({"labels": [r["label"] for r in held],
                             "docs": [rt.reading_features(r["text"]) for r in held], "rules": rt.rules_levels(held)})
    data["dev"] = []
    for path in safety.DEV_SETS:  # the clinics' dev queries that are not red flags (false alarms only)
        texts = [q["query"] for q in safety.load_jsonl(path) if q["kind"] != "red_flag"] if path.exists() else []
        data["dev"].append({"docs": [rt.reading_features(t) for t in texts],
                            "rules": rt.rules_levels([{"text": t} for t in texts])})
    return data


# ------------------------------------------------------------------ variants: fit(docs, labels) -> proba(docs)

class Fitted:
    def __init__(self, classes, proba):
        self.classes, self.proba = list(classes), proba


def lr_words(c=rm.C, weight="balanced", analyzer=None, min_df=2, tol=1e-3, max_iter=300):
    def fit(docs, labels, sample_weight=None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits
        an = analyzer or rm._as_is
        vec = TfidfVectorizer(analyzer=an, min_df=min_df, sublinear_tf=True, dtype=np.float64)
        X = vec.fit_transform(docs)
        clf = LogisticRegression(C=c, tol=tol, max_iter=max_iter, class_weight=weight)
        with threadpool_limits(1):
            clf.fit(X, labels, sample_weight=sample_weight)
        return Fitted(clf.classes_, lambda d: clf.predict_proba(vec.transform(d)))
    return fit


def ensemble(members, how="mean"):
    def fit(docs, labels, sample_weight=None):
        fitted = [m(docs, labels) for m in members]
        classes = fitted[0].classes
        assert all(f.classes == classes for f in fitted)
        def proba(d):
            ps = [f.proba(d) for f in fitted]
            if how == "geo":
                lp = np.mean([np.log(np.maximum(p, 1e-300)) for p in ps], axis=0)
                e = np.exp(lp - lp.max(1, keepdims=True))
                return e / e.sum(1, keepdims=True)
            return np.mean(ps, axis=0)
        return Fitted(classes, proba)
    return fit


def nb_complement(alpha=0.3):
    def fit(docs, labels, sample_weight=None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.naive_bayes import ComplementNB
        vec = TfidfVectorizer(analyzer=rm._as_is, min_df=2, sublinear_tf=True, dtype=np.float64)
        X = vec.fit_transform(docs)
        clf = ComplementNB(alpha=alpha)
        clf.fit(X, labels)
        return Fitted(clf.classes_, lambda d: clf.predict_proba(vec.transform(d)))
    return fit


def only(kinds):
    """An analyzer keeping some feature kinds: w words (and ~words), p pairs, g 4-grams."""
    def an(doc):
        out = []
        for f in doc:
            kind = "g" if f[0] == "#" else "p" if " " in f else "w"
            if kind in kinds:
                out.append(f)
        return out
    return an


VARIANTS = {
    "shipped": (lr_words(c=rm.C, tol=rm.TOL, max_iter=rm.MAX_ITER), {}),  # as bot/redflag_model.fit() fits it
    "baseline": (lr_words(c=10.0), {}),  # the model before: C 10, tol 1e-3
    "C3": (lr_words(c=3.0), {}),
    "C30": (lr_words(c=30.0), {}),
    "C10": (lr_words(c=10.0), {}),
    "C1": (lr_words(c=1.0), {}),
    "C100": (lr_words(c=100.0), {}),
    "C20": (lr_words(c=20.0), {}),
    "C10_tol4": (lr_words(c=10.0, tol=1e-4, max_iter=2000), {}),
    "C20_tol4": (lr_words(c=20.0, tol=1e-4, max_iter=2000), {}),
    "C20_tol2e4": (lr_words(c=20.0, tol=2e-4, max_iter=2000), {}),
    "C20_tol3e4": (lr_words(c=20.0, tol=3e-4, max_iter=2000), {}),
    "C50": (lr_words(c=50.0), {}),
    "C300": (lr_words(c=300.0), {}),
    "noweight_C30": (lr_words(c=30.0, weight=None), {}),
    "noweight": (lr_words(c=10.0, weight=None), {}),
    "ens_wp_g": (ensemble([lr_words(c=20.0, analyzer=only("wp")), lr_words(c=20.0, analyzer=only("wg"))]), {}),
    "ens_lr_nb": (ensemble([lr_words(c=20.0), nb_complement()]), {}),
    "ens_C": (ensemble([lr_words(c=3.0), lr_words(c=30.0)]), {}),
}


# ------------------------------------------------------------------ evaluation

def decide(classes, P, docs, threshold, cut):
    routine = np.array([c.startswith("routine/") for c in classes])
    emerg = np.array([c.startswith("emergency/") for c in classes])
    fams = [c.split("/", 1)[1] for c in classes]
    famlist = sorted({f for f, r in zip(fams, routine, strict=True) if not r})
    preds = []
    for p, doc in zip(P, docs, strict=True):
        score = float(1 - p[routine].sum())
        pe = float(p[emerg].sum())
        mass = {}
        for f, r, q in zip(fams, routine, p, strict=True):
            if not r:
                mass[f] = mass.get(f, 0.0) + q
        fam = max(famlist, key=lambda f: mass.get(f, 0.0)) if famlist else None
        fires = rm.word_count(doc) >= rm.MIN_WORDS and score >= threshold
        preds.append(rm.Prediction(score, pe, fam, fires, fires and pe >= max(cut, rm.EMERGENCY_FLOOR),
                                   rm.learned_level(score, pe, fam)))
    return preds


def out_of_fold(fit, docs, labels, folds):
    P = [None] * len(docs)
    classes = None
    for test in folds:
        held = set(test.tolist())
        train = [i for i in range(len(docs)) if i not in held]
        f = fit([docs[i] for i in train], [labels[i] for i in train])
        classes = classes or f.classes
        assert f.classes == classes  # every class in every fold (stratified)
        p = f.proba([docs[i] for i in test])
        for k, i in enumerate(test):
            P[i] = p[k]
    return classes, np.array(P)


def pick_threshold(score, routine, by_rules, enough, budget, floor, step=0.001):
    for t in np.arange(floor, 0.999, step):
        if ((enough & (score >= t)) | by_rules)[routine].mean() <= budget:
            return round(float(t), 4)
    return 0.999


def evaluate(name, fit, opts, data, groups=None):
    t0 = time.time()
    rows, docs, rules = data["rows"], data["docs"], data["rules"]
    labels = [rm.label_of(r) for r in rows]
    if groups is None:
        folds = rt.folds_for(labels, 5)
    else:
        from sklearn.model_selection import StratifiedGroupKFold
        folds = [te for _, te in StratifiedGroupKFold(5, shuffle=True, random_state=0).split(
            np.zeros(len(rows)), labels, groups)]
    classes, P = out_of_fold(fit, docs, labels, folds)
    routine_cls = np.array([c.startswith("routine/") for c in classes])
    emerg_cls = np.array([c.startswith("emergency/") for c in classes])
    score = 1 - P[:, routine_cls].sum(1)
    pe = P[:, emerg_cls].sum(1)
    routine = np.array([r["label"] == "routine" for r in rows])
    by_rules = np.array([lv in ("emergency", "urgent") for lv in rules])
    enough = np.array([rm.word_count(d) >= rm.MIN_WORDS for d in docs])
    floor = opts.get("floor", rm.THRESHOLD_FLOOR)
    if "threshold" in opts:
        threshold = opts["threshold"]
    elif opts.get("model_budget") is not None:  # model alone: FA on routine rows of the model's own flags
        threshold = pick_threshold(score, routine, np.zeros_like(by_rules), enough, opts["model_budget"], floor)
    else:
        threshold = rt.choose_threshold(score, routine, by_rules)  # as the build picks it
    cut = rt.choose_emergency_cut(pe, np.array([r["label"] == "emergency" for r in rows]))
    preds = decide(classes, P, docs, threshold, cut)
    model_only = rt.figures(rows, [rt.combined_level("none", p) for p in preds])
    both = rt.figures(rows, [rt.combined_level(lv, p) for lv, p in zip(rules, preds, strict=True)])
    t_cv = time.time() - t0
    # final model
    t1 = time.time()
    final = fit(docs, labels)
    t_fit = time.time() - t1
    out = [f"== {name} {opts}  threshold {threshold} cut {cut}  (CV {t_cv:.0f}s, one fit {t_fit:.1f}s)",
           f"  CV model  recall {100*model_only['recall']:.1f} exact {100*model_only['exact']:.1f} "
           f"FA {100*model_only['false_alarms']:.2f} | both recall {100*both['recall']:.1f} exact "
           f"{100*both['exact']:.1f} under {both['emergency_below_urgent']} FA {100*both['false_alarms']:.2f}"]
    for k, s in enumerate(data["sets"], 1):
        pr = decide(final.classes, final.proba(s["docs"]), s["docs"], threshold, cut)
        lv = [rt.combined_level(r, p) for r, p in zip(s["rules"], pr, strict=True)]
        red = [i for i, label in enumerate(s["labels"]) if label != "routine"]
        rou = [i for i, label in enumerate(s["labels"]) if label == "routine"]
        rec = np.mean([lv[i] in ("emergency", "urgent") for i in red])
        ex = np.mean([lv[i] == s["labels"][i] for i in red])
        under = sum(s["labels"][i] == "emergency" and lv[i] not in ("emergency", "urgent") for i in red)
        fa = np.mean([lv[i] in ("emergency", "urgent") for i in rou]) if rou else 0.0
        out.append(f"  set {k}: recall {100*rec:5.1f} exact {100*ex:5.1f} under {under:2d} FA {100*fa:4.1f}")
    rout = [i for i, r in enumerate(rows) if r["label"] == "routine"]
    pr = decide(final.classes, final.proba([docs[i] for i in rout]), [docs[i] for i in rout], threshold, cut)
    la = np.mean([rt.combined_level(rules[i], p) in ("emergency", "urgent") for i, p in zip(rout, pr, strict=True)])
    dev = []
    for s in data.get("dev", []):
        pr = decide(final.classes, final.proba(s["docs"]), s["docs"], threshold, cut)
        alarms = sum(rt.combined_level(r, p) in ("emergency", "urgent") for r, p in zip(s["rules"], pr, strict=True))
        dev.append(f"{alarms}/{len(pr)}")
    out.append(f"  look-alikes (in-sample, whole screen) FA {100*la:.2f}; dev queries' false alarms {' '.join(dev)}")
    if opts.get("lofo", True):
        rec = {}
        for family in rm.FAMILIES:
            test = [i for i, r in enumerate(rows) if r["family"] == family]
            train = [i for i, r in enumerate(rows) if r["family"] != family]
            f = fit([docs[i] for i in train], [labels[i] for i in train])
            pr = decide(f.classes, f.proba([docs[i] for i in test]), [docs[i] for i in test], threshold, cut)
            rec[family] = 100 * np.mean([p.fires for p in pr])
        values = list(rec.values())
        out.append("  LOFO model alone: " + " ".join(f"{k[:6]} {v:.1f}" for k, v in rec.items())
                   + f"  | min {min(values):.1f} max {max(values):.1f} mean {np.mean(values):.1f}")
    out.append(f"  ({time.time() - t0:.0f}s)")
    print("\n".join(out), flush=True)


def main(argv):
    data = cached()
    for spec in argv:
        name, _, extra = spec.partition(":")
        fit, opts = VARIANTS[name]
        opts = dict(opts)
        for kv in filter(None, extra.split(",")):
            k, v = kv.split("=")
            opts[k] = v in ("1", "true") if k in ("lofo", "group") else float(v)
        groups = None
        if opts.pop("group", 0):
            groups = core_groups(with_places(data["rows"]))
            print(f"groups: {len(set(groups))} for {len(groups)} rows")
        evaluate(spec, fit, opts, data, groups)


if __name__ == "__main__":
    main(sys.argv[1:])
