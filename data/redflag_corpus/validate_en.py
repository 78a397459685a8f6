"""Check the corpus against the shared contract (issue 14) and print counts.

Why: the model engineer reads these files while they are still being written;
every commit must parse, use only the contract's ids and levels, and hold no
exact duplicates. Standard library only. Usage: python3 data/redflag_corpus/validate_en.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

PRESENTATIONS = {
    "heart_vessels": {"heart_attack": "E", "aortic_dissection": "E", "ruptured_aaa": "E",
                      "pulmonary_embolism": "E", "dvt": "U", "limb_ischaemia": "E"},
    "brain_nerves": {"stroke": "E", "subarachnoid": "E", "vertebral_artery_dissection": "E",
                     "gca_vision_loss": "E", "gca": "U", "meningitis": "E",
                     "cervical_myelopathy": "U", "cspine_trauma": "E"},
    "spine": {"cauda_equina": "E", "cord_compression": "E", "spinal_infection": "U",
              "cancer_night_pain_weight_loss": "U", "fragility_fracture": "U"},
    "infection": {"sepsis": "E", "septic_arthritis": "U", "wound_infection": "U"},
    "limbs_trauma": {"compartment_syndrome": "E", "rhabdomyolysis": "U",
                     "hip_fracture_elderly": "E", "head_injury_anticoagulant": "E"},
    "children": {"child_head_injury": "E", "concussion_worsening": "E", "testicular_torsion": "E",
                 "scfe": "U", "limp_with_fever": "U", "nonblanching_rash": "E"},
    "pregnancy": {"ectopic": "E", "preterm_labour": "U", "waters_breaking_early": "U",
                  "preeclampsia": "U", "reduced_movements": "U"},
    "mental_health": {"suicide_plan": "E", "passive_suicidal": "U", "self_harm_bleeding": "E",
                      "overdose": "E", "staggered_paracetamol": "E", "domestic_abuse_danger": "E",
                      "domestic_abuse": "U", "child_abuse_disclosure": "U"},
    "allergy": {"anaphylaxis": "E"},
}
LEVEL = {"E": "emergency", "U": "urgent"}
PATTERNS = {"plain", "lay", "clinical", "typo", "understated", "buried", "exercise_question",
            "parent", "third_person", "negated", "spanglish"}
FIELDS = ["text", "label", "family", "presentation", "lang", "pattern", "source"]


def problems(record: dict) -> list[str]:
    """Everything wrong with one record, as short messages."""
    out = []
    keys = [k for k in record if k != "lookalike_of"]
    if keys != FIELDS:
        out.append(f"fields {list(record)}")
    if record.get("pattern") not in PATTERNS:
        out.append(f"pattern {record.get('pattern')}")
    if record.get("lang") != "en" or not str(record.get("source", "")).strip():
        out.append("lang/source")
    words = len(str(record.get("text", "")).split())
    if not 5 <= words <= 120:
        out.append(f"{words} words")
    family, presentation = record.get("family"), record.get("presentation")
    if family == "routine":
        if record.get("label") != "routine" or record.get("lookalike_of") not in PRESENTATIONS:
            out.append("routine label/lookalike_of")
    else:
        levels = PRESENTATIONS.get(family, {}).get(presentation)
        if levels is None:
            out.append(f"id {family}/{presentation}")
        elif record.get("label") not in {LEVEL[c] for c in levels}:
            out.append(f"level {record.get('label')} for {presentation}")
        if "lookalike_of" in record:
            out.append("lookalike_of on a red flag")
    return out


def main() -> int:
    """Validate every en_*.jsonl file, print counts, return 1 on any problem."""
    bad = 0
    seen = Counter()
    records = []
    for path in sorted(HERE.glob("en_*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{path.name}:{number}: not JSON ({error})")
                bad += 1
                continue
            for problem in problems(record):
                print(f"{path.name}:{number}: {problem}")
                bad += 1
            seen[record.get("text", "").strip().lower()] += 1
            records.append(record)
    dupes = [t for t, n in seen.items() if n > 1]
    for text in dupes:
        print(f"duplicate: {text[:70]!r}")
    bad += len(dupes)
    missing = [f"{f}/{p}" for f, ps in PRESENTATIONS.items() for p in ps
               if not any(r["family"] == f and r["presentation"] == p for r in records)]
    print("labels:", dict(Counter(r["label"] for r in records)))
    print("patterns:", dict(Counter(r["pattern"] for r in records)))
    print("families:", dict(Counter(r["family"] for r in records)))
    per = Counter((r["family"], r["presentation"]) for r in records if r["family"] != "routine")
    print("presentations:", " ".join(f"{p}={n}" for (_, p), n in sorted(per.items())))
    look = Counter(r["presentation"] for r in records if r["family"] == "routine")
    print("routine look-alikes:", " ".join(f"{p}={n}" for p, n in sorted(look.items())))
    print("lookalike_of:", dict(Counter(r.get("lookalike_of") for r in records if r["family"] == "routine")))
    if missing:
        print("presentations with no record yet:", ", ".join(missing))
    print(f"{len(records)} records, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
