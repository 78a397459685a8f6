"""Spanish emergency answers are written in full Spanish spelling (issue 19).

Only display strings are checked: `message_es` in data/redflags.toml and the Spanish text of
data/safety_answers.toml. The matching patterns ([terms], cues, negation lists) stay folded on
purpose, since messages are folded before matching. English instructions name US services.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot import triage

DATA = Path(__file__).resolve().parent.parent / "data"

# Unaccented forms that are never correct Spanish in a patient answer. Ambiguous words are left
# out on purpose: esta/este (demonstratives), como/donde/que/si/solo/aun, bebe (verb), ano, te, tu.
# "mas" (literary "but") never belongs in these answers, so it can only be a missing "más".
UNACCENTED = {
    "nino", "nina", "ninos", "ninas", "pequeno", "pequena", "manana", "sueno", "dano", "danar", "senal", "senales",
    "medico", "medica", "medicos", "despues", "tambien", "todavia", "aqui", "mas", "dia", "dias", "rapido",
    "rapida", "telefono", "numero", "linea", "estan", "corazon", "respiracion", "infeccion", "atencion",
    "presion", "hinchazon", "confusion", "convulsion", "lesion", "revision", "higado", "sintomas", "caida",
    "cirugia", "clinica", "sindrome", "analisis", "vomito", "vomitos", "liquido", "liquidos", "musculos",
    "mandibula", "cancer", "boton", "debil", "debiles", "dificil", "anos", "quedese", "mantengala", "hagase",
}
_WORD = re.compile(r"\w+")


def unaccented_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() in UNACCENTED]


def _strings(node, path: str):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def spanish_display_strings() -> list[tuple[str, str]]:
    rules = tomllib.loads((DATA / "redflags.toml").read_text(encoding="utf-8"))
    found = [(f"rule {r['id']}.message_es", r["message_es"]) for r in rules["rule"] if r.get("message_es")]
    for key, value in rules.items():  # any other *_es display table or string added later
        if key.endswith("_es"):
            found += list(_strings(value, key))
    answers = tomllib.loads((DATA / "safety_answers.toml").read_text(encoding="utf-8"))
    for kind, shape in answers["answer"].items():
        found += list(_strings(shape.get("es", {}), f"answer.{kind}.es"))
    for section in ("notice", "labels", "after_urgent"):
        found += list(_strings(answers[section].get("es", {}), f"{section}.es"))
    found += list(_strings(answers["reason_es"], "reason_es"))
    desk = answers["desk"]["es"]  # staff / staff_after are read by English-speaking staff
    found += list(_strings({k: v for k, v in desk.items() if not k.startswith("staff")}, "desk.es"))
    return found


def test_the_checker_catches_folded_spanish():
    assert unaccented_words("Lleve al nino a urgencias mas cercana despues del golpe.") == ["nino", "mas", "despues"]
    assert unaccented_words("Lleve al niño a la sala de emergencias más cercana después del golpe.") == []
    assert unaccented_words("Esta herida, como dije, si sangra.") == []


def test_every_spanish_display_string_is_in_full_spelling():
    strings = spanish_display_strings()
    assert sum(where.startswith("rule ") for where, _ in strings) >= 80
    bad = [(where, unaccented_words(text)) for where, text in strings if unaccented_words(text)]
    assert not bad, bad


def test_loaded_rules_keep_the_accents():
    """The rule loader normalises whitespace only: what the patient reads is what the file says."""
    shown = " ".join(rule.message_es for rule in triage.load_rules() if rule.message_es)
    for word in ("niño", "después", "más", "señal", "médico", "está"):
        assert re.search(rf"\b{word}\b", shown), word


def test_english_instructions_name_us_services():
    rules = tomllib.loads((DATA / "redflags.toml").read_text(encoding="utf-8"))
    uk = re.compile(r"A&E|\bA and E\b|\bGP\b|\b999\b|\b111\b|walk-in centre|urgent treatment centre")
    bad = [r["id"] for r in rules["rule"] if uk.search(r.get("message", "") + r.get("instruction", ""))]
    assert not bad, bad
