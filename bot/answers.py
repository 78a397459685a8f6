"""Word a red-flag answer for its family and language: the action first, in caring words.

The screen (bot/triage/) says *what* fired; this module says *how to answer*:
a suicidal thought gets the crisis line offered as call and text, an overdose
gets "call now, even if you feel fine" and why, abuse gets the emergency number
and a domestic-abuse line, a child disclosing abuse is told to tell a trusted
adult, someone reporting a child being hurt gets the child-abuse line, a
pregnancy gets the maternity unit, a parent is addressed about "your child",
and a flag from the learned screen alone gets a cautious "see a doctor
today". All wording is data (data/safety_answers.toml), in English and
Spanish; every number and line name comes from the clinic's configuration.
Pure: no Flask, no IO beyond reading the wording file once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot import triage
from index.analysis import fold
from index.datafile import read_toml

ANSWERS_PATH = Path(__file__).resolve().parent.parent / "data" / "safety_answers.toml"
LANGUAGES = ("en", "es")
#: Answer shapes whose buttons are lines to call rather than the booking link, whatever the level.
LINE_KINDS = frozenset({"crisis", "abuse", "child_abuse", "child_abuse_report", "maternity", "learned",
                        "self_harm_bleeding", "overdose", "staggered_overdose", "ectopic", "emergency"})
#: The parent is writing about a child: "my son", "our toddler", "mi hija", "my 6 year old".
ABOUT_CHILD = re.compile(
    r"\b(?:my|our)\s+(?:\d+\s*(?:yr|year|month)s?\s*old\s+|little\s+|baby\s+|teenage\s+)?"
    r"(?:son|daughter|kid|child|toddler|baby|boy|girl|teen|teenager|little one|infant|newborn|grandson|granddaughter)\b"
    r"|\bmy\s+(?:[1-9]|1[0-7])\s*(?:yo|y/o|yrs?|years?)\b"
    r"|\b(?:mi|nuestr[oa])\s+(?:hij[oa]|nin[oa]|bebe|beba|chiquit[oa]|nen[ea]|hijit[oa]|adolescente)\b")

#: Children who only see or hear the violence are witnesses, not its victims: "in front of the kids", "while the
#: children watch", "the kids heard everything", "delante de sus hijos", "los ninos lo vieron". These words are
#: blanked out before the victim pattern below is read, so a report naming no other child keeps the adult answer.
_KIDS_EN = (r"(?:(?:the|her|his|their|my|our|your|both|all the|all her|all his)\s+)?"
            r"(?:kids|children|child|boys|girls|little ones)")
_KIDS_ES = r"(?:(?:los|las|sus|mis|tus|nuestros)\s+)?(?:hij[oa]s|nin[oa]s|chiquit[oa]s|nenes|hijit[oa]s|chamac[oa]s)"
_SEEING_EN = (r"(?:saw|see|sees|seen|watch\w*|look\w*|listen\w*|heard|hear|hears|witness\w*|there|around|present"
              r"|in the room)")
_SEEING_ES = (r"(?:vieron|ven|ve|veian|miran|miraban|escucharon|escuchan|oyeron|oyen|presenciaron|presentes"
              r"|estaban ahi|estan ahi|ahi)")
WITNESS = re.compile(
    rf"\bin front of\s+{_KIDS_EN}\b"
    rf"|\b(?:while\s+|with\s+|as\s+)?{_KIDS_EN}\s+(?:(?:are|were|was|is|all)\s+)?{_SEEING_EN}\b"
    rf"|\b(?:delante|enfrente|frente|adelante)\s+(?:de|a)\s+{_KIDS_ES}\b"
    rf"|\b(?:mientras\s+|con\s+)?{_KIDS_ES}\s+(?:lo\s+|la\s+|todo\s+)?{_SEEING_ES}\b")
#: Who is hurt, by age, in the words a report uses (English, then Spanish, folded). One table for both readings below.
VICTIM_WORDS = {
    "child": (r"(?:step)?(?:son|daughter)s?|kids?|child|children|boys?|girls?|toddler|nephew|niece"
              r"|grand(?:son|daughter)s?|(?:little|younger|baby) (?:brother|sister)|(?:my|her|his|a) (?:student|pupil)",
              r"hij(?:o|a|astr[oa])s?|nin[oa]s?|nene|nena|sobrin[oa]s?|niet[oa]s?|hermanit[oa]s?|hermano menor"
              r"|hermana menor|(?:mi|un|una|su) (?:alumn[oa]|estudiante)|chamac[oa]|chiquit[oa]|menor de edad"),
    "adult": (r"mom|mum|mother|mam|ma|mommy|mummy|sister|big sister|older sister|aunt|auntie|nan|nana|gran|grandma"
              r"|grandmother|wife|girlfriend|partner|friend|cousin",
              r"mama|madre|hermana mayor|hermana(?! menor)|tia|abuela|esposa|novia|pareja|amiga|prima"),
}
#: Someone else's report names a child as the one hurt: "my neighbours boy... his dad hits him", "mi sobrina dice
#: que su padrastro le pega". Read after WITNESS is blanked out; an unborn baby is no child victim here.
CHILD_VICTIM = re.compile(r"\b(?:" + "|".join(VICTIM_WORDS["child"]) + r")\b")
#: The same report also names an adult as hurt ("he hits my mum and my little brother", "le pega a mi mama y a mi
#: hermanito"): that adult needs the domestic-abuse line beside the child-abuse line.
ADULT_VICTIM = re.compile(
    r"\b(?:hits|hit|hitting|beats|beat|beating|slaps|slapped|punch\w*|kicks|kicked|chok\w*|strangl\w*|hurts|hurt"
    r"|hurting|attack\w*|threaten\w*|shoves|shoved|abus\w*|smacks|smacked)\s+(?:both\s+)?(?:my|our|her|his)\s+"
    rf"(?:{VICTIM_WORDS['adult'][0]})\b"
    r"|\b(?:hits|hit|beats|beat|beating|hurts|hurting|kicks|kicked|slaps|slapped)\s+(?:her|him)\s+and\s+(?:the|her|his"
    r"|their)\s+(?:kids|children|son|daughter|boy|girl|baby)\b"
    rf"|\b(?:a|contra)\s+(?:mi|su|nuestra)\s+(?:{VICTIM_WORDS['adult'][1]})\b")
#: Shapes whose victim is someone else: with a child named as the victim, the child-abuse report answer instead.
THIRD_PARTY_TERM = "violence_to_other"
#: Shapes no rule names, chosen here: a learned-only flag, a child victim reported by someone else.
DERIVED_KINDS = ("learned", "child_abuse_report")


class AnswersError(Exception):
    """The answer wording file is malformed; the message names the answer and field."""


@dataclass(frozen=True)
class SafetyAnswer:
    """What a red-flag reply says and offers, in one language."""

    kind: str
    lang: str
    title: str
    instruction: str
    reasons: list[str]
    notice: str
    numbers: list[dict] = field(default_factory=list)
    about_child: bool = False
    title_calls: bool = True  # the title names a call the first button makes

    @property
    def text(self) -> str:
        """The reply: the instruction on its own first line, then why."""
        why = " ".join(r for r in self.reasons if r)
        return f"{self.instruction}\n{why}" if why else self.instruction


@lru_cache(maxsize=2)
def load(path: str | None = None) -> dict:
    """Read and check the wording file once: every answer shape, both languages, known placeholders."""
    source = Path(path) if path else ANSWERS_PATH
    data = read_toml(source, AnswersError, "safety answers")
    shapes = data.get("answer", {})
    for kind in (*triage.ANSWERS, *DERIVED_KINDS):
        if kind not in shapes:
            raise AnswersError(f"answer.{kind}: missing")
        for lang in LANGUAGES:
            words = shapes[kind].get(lang) or {}
            for key in ("title", "instruction"):
                if not words.get(key):
                    raise AnswersError(f"answer.{kind}.{lang}: missing {key}")
            for key, text in words.items():
                triage.check_template(f"answer.{kind}.{lang}.{key}", text)
    for lang in LANGUAGES:
        if not data.get("notice", {}).get(lang) or not data.get("labels", {}).get(lang):
            raise AnswersError(f"notice/labels: missing {lang}")
    return data


def about_child(message: str) -> bool:
    """A parent (or carer) writing about a child: the answer speaks to them about "your child"."""
    return bool(ABOUT_CHILD.search(fold(message or "").replace("'", "")))


def _victims_text(message: str) -> str:
    """The message folded, with the children who only witness the violence blanked out."""
    return WITNESS.sub(" ", fold(message or "").replace("'", ""))


def child_victim_reported(rule: triage.Rule, message: str) -> bool:
    """A friend, relative or neighbour reports a child being hurt: the child-abuse line, not the adult one."""
    return THIRD_PARTY_TERM in rule.terms and bool(CHILD_VICTIM.search(_victims_text(message)))


def adult_victim_reported(message: str) -> bool:
    """The report names an adult as hurt too ("he hits my mum and my little brother"): both lines are given."""
    return bool(ADULT_VICTIM.search(_victims_text(message)))


def _tel(number: str) -> str:
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")


def line_numbers(ids: list[str], numbers: dict, lang: str) -> list[dict]:
    """The buttons an answer offers, from the configured numbers only; crisis lines can also take a text."""
    values = dict(triage.DEFAULT_NUMBERS)
    values.update({k: v for k, v in numbers.items() if v})
    labels = load()["labels"][lang]
    lines = {
        "emergency": (labels["emergency"], values["emergency_number"], False),
        "crisis": (values["crisis_line_name"], values["crisis_line"], True),
        "domestic_abuse": (values["domestic_abuse_line_name"], values["domestic_abuse_line"], False),
        "child_abuse": (values["child_abuse_line_name"], values["child_abuse_line"], True),
    }
    out = []
    for line_id in ids:
        label, phone, texts = lines[line_id]
        entry = {"id": line_id, "label": label, "phone": phone, "url": _tel(phone),
                 "text": f"{labels['call']} {phone}"}
        if texts:
            entry["sms_url"] = "sms:" + _tel(phone)[4:]
        out.append(entry)
    return out


def _words(shape: dict, lang: str, level: str, child: bool) -> tuple[str, str]:
    words = shape[lang]
    prefix = "parent_" if child and "parent_title" in words else ("urgent_" if level == "urgent" and
                                                                   "urgent_title" in words else "")
    return words[prefix + "title"], words[prefix + "instruction"]


OPTIONAL = re.compile(r"\[([^\[\]]*)\]")


def _fill(text: str, numbers: dict) -> str:
    """Fill the configured numbers; a [bracketed part] goes when a placeholder in it is configured empty."""
    def keep(match: re.Match) -> str:
        inner = match.group(1)
        empty = any(numbers.get(name) == "" for name in re.findall(r"\{(\w+)\}", inner))
        return "" if empty else inner
    return triage.render(OPTIONAL.sub(keep, text), numbers)


def _reason(rule: triage.Rule, lang: str) -> str:
    if lang == "es":
        return rule.message_es or load()["reason_es"].get(rule.category, "")
    return rule.message


def learned_kind(screened) -> str:
    """The answer shape of a flag the learned screen raised alone, by its family and level.

    Thoughts of self-harm get the crisis line in caring words at either level; an
    emergency gets the emergency number first; a pregnancy the maternity unit; the
    rest the cautious "see a doctor today".
    """
    family = getattr(screened, "family", None)
    if family == "mental_health":
        return "crisis"
    if screened.level == "emergency":
        return "emergency"
    return "maternity" if family == "pregnancy" else "learned"


def compose(screened: triage.Triage, message: str, numbers: dict, lang: str = "en",
            rules: triage.RuleSet | None = None) -> SafetyAnswer | None:
    """The wording of a red-flag answer, or None when nothing was flagged."""
    if not screened.is_red_flag:
        return None
    lang = lang if lang in LANGUAGES else "en"
    data = load()
    ruleset = rules if rules is not None else triage.load_rules()
    by_id = {rule.id: rule for rule in ruleset.rules}
    fired = [by_id[rule_id] for rule_id in screened.rule_ids if rule_id in by_id]
    adult_too = False
    if not fired:
        kind = learned_kind(screened)  # the learned screen raised a message no rule matched
    else:
        kind = fired[0].answer or ("emergency" if fired[0].level == "emergency" else "urgent")
        if kind == "abuse" and child_victim_reported(fired[0], message):
            kind = "child_abuse_report"
            adult_too = adult_victim_reported(message)
    child = kind in ("emergency", "urgent") and about_child(message)
    shape = data["answer"][kind]
    title, instruction = _words(shape, lang, screened.level, child)
    line_ids = list(shape.get("numbers", []))
    reasons = [_reason(fired[0], lang)] if fired else []
    crisis = next((r for r in fired[1:] if r.answer == "crisis" or r.category == "self-harm"), None)
    if crisis is not None and kind not in ("crisis", "self_harm_bleeding", "overdose"):
        # Self-harm beside another emergency: keep both, the crisis line second.
        reasons.append(_words(data["answer"]["crisis"], lang, crisis.level, False)[1])
        line_ids.append("crisis")
    if adult_too:
        # An adult hurt beside the child: the domestic-abuse answer's words and line as well, after the child's.
        reasons.append(_words(data["answer"]["abuse"], lang, screened.level, False)[1])
        line_ids.append("domestic_abuse")
    if screened.level == "emergency" and "emergency" not in line_ids:
        line_ids.append("emergency")
    fill = {**numbers}
    return SafetyAnswer(
        kind=kind, lang=lang,
        title=_fill(title, fill), instruction=_fill(instruction, fill),
        reasons=[_fill(r, fill) for r in reasons if r],
        notice=data["notice"][lang],
        numbers=line_numbers(list(dict.fromkeys(line_ids)), fill, lang),
        about_child=child,
        title_calls=kind not in ("maternity", "child_abuse", "learned", "staggered_overdose", "urgent"),
    )


def after_urgent(lang: str, clinic_name: str) -> str:
    """The sentence after a plain urgent answer: where the clinic comes in once a doctor has checked."""
    return load()["after_urgent"][lang if lang in LANGUAGES else "en"].format(clinic_name=clinic_name)


#: Answer shapes that get a phone script at the desk even at level urgent: they are about someone's safety now.
SCRIPT_KINDS = frozenset({"crisis", "abuse", "child_abuse", "child_abuse_report", "maternity"})


def phone_script(triage_json: dict, numbers: dict) -> list[str] | None:
    """What the front desk reads to the caller instead of drafting an email, or None for an ordinary inquiry.

    Given for every emergency and for the urgent answers about safety (crisis, abuse, a child, pregnancy);
    the staff lines are English, the lines to read out are in the caller's language.
    """
    level, kind = triage_json.get("level"), triage_json.get("kind")
    if not kind or not (level == "emergency" or kind in SCRIPT_KINDS):
        return None
    desk = load()["desk"][triage_json.get("lang") if triage_json.get("lang") in LANGUAGES else "en"]
    say = desk["say"].get(kind) or desk["say"]["emergency"]
    lines = [_fill(desk["staff"], numbers), "", _fill(say, numbers)]
    why = (triage_json.get("message") or "").split("\n", 1)
    if len(why) == 2 and why[1].strip():
        lines.append(f"{desk['why']} {why[1].strip()}")
    lines += ["", _fill(desk["staff_after"], numbers)]
    return lines


def flag_reason(triage_json: dict) -> str | None:
    """Why the screen flagged a message, for staff: "rule self-harm", "learned screen, 0.93", or both."""
    score = triage_json.get("learned_score")
    rules = ", ".join(triage_json.get("rule_ids") or [])
    learned = f"learned screen, {score:.2f}" if isinstance(score, int | float) else None
    parts = [f"rule {rules}" if rules else None, learned]
    return "; ".join(p for p in parts if p) or None
