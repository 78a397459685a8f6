"""The bot's own wording in the visitor's language, from the gettext catalogs under translations/.

One catalog per language (``translations/<lang>/LC_MESSAGES/messages.po``, compiled to
``.mo`` by the install step) holds every fixed wording: the pages' (through Flask-Babel,
web/i18n.py) and the answers' (here), including the wording of the data files that
babel.cfg extracts with ``extract_toml`` (follow-up questions and options, intents'
replies, starters, kiosk regions). English is the source language: a message missing
from a catalog, or a catalog that was never compiled, falls back to the English text
(logged once), never to an error. Red-flag answers keep their clinically reviewed
wording in data/safety_answers.toml. Pure: no Flask.
"""

from __future__ import annotations

import logging
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from index.analysis import fold

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "messages"
SOURCE = "en"
#: Keys of the data files whose values are wording a visitor reads (extract_toml).
TOML_KEYS = frozenset({"label", "question", "option", "reply", "text"})
#: Keys whose values are never wording even where the name matches (kiosk query words).
_NOT_WORDING = frozenset({"words", "terms", "patterns", "needs", "id", "kind"})


def N_(text: str) -> str:  # noqa: N802 - the gettext convention, so pybabel extracts it
    """Mark a wording for extraction where it is defined; it is translated where it is used."""
    return text


@lru_cache(maxsize=16)
def catalog(lang: str) -> NullTranslations:
    """The compiled catalog of a language; English, or a missing .mo, is the source text."""
    if lang == SOURCE:
        return NullTranslations()
    mo = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.exists():
        log.warning("no compiled catalog %s (run `make install`, which runs `pybabel compile -d translations`): "
                    "answers in %r fall back to English", mo, lang)
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [lang], DOMAIN)


def available() -> tuple[str, ...]:
    """The languages with a catalog in translations/ (compiled or not), English first."""
    found = sorted(p.parent.parent.name for p in TRANSLATIONS_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE, *[lang for lang in found if lang != SOURCE])


def gettext(lang: str | None, text: str, **values) -> str:
    """``text`` in ``lang``, with ``%(name)s`` placeholders filled from ``values``."""
    translated = catalog(lang or SOURCE).gettext(text) if text else text
    return translated % values if values else translated


def ngettext(lang: str | None, singular: str, plural: str, n: int, **values) -> str:
    """The singular or plural wording for ``n`` in ``lang``; ``%(num)d`` is n."""
    return catalog(lang or SOURCE).ngettext(singular, plural, n) % {"num": n, **values}


@lru_cache(maxsize=16)
def _sources(lang: str) -> dict[str, str]:
    """Folded translation -> English source, for the wordings a visitor taps (options, chips, regions)."""
    translations = catalog(lang)
    messages = getattr(translations, "_catalog", {})  # gettext's own table; {} for NullTranslations
    out: dict[str, str] = {}
    for source, translated in messages.items():
        if isinstance(source, str) and source and isinstance(translated, str) and translated != source:
            out.setdefault(_key(translated), source)
    return out


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def source_of(text: str, lang: str | None) -> str | None:
    """The English wording a tapped translation stands for ("Por dentro (lado del meñique)" is the
    lexicon's "On the inside (pinky side)"), so the product's own words are read as the matcher knows
    them; None for anything a visitor wrote."""
    if not lang or lang == SOURCE or not text:
        return None
    return _sources(lang).get(_key(text))


def extract_toml(fileobj, keywords, comment_tags, options):
    """Babel extractor for the data files: every string under a wording key (TOML_KEYS), with its line.

    Registered in babel.cfg (``[extractors] toml = bot.i18n:extract_toml``) so ``pybabel extract``
    puts the data files' wording in the same catalog as the code's.
    """
    raw = fileobj.read().decode("utf-8")
    lines = raw.splitlines()
    seen: set[str] = set()
    keys = set((options or {}).get("keys", " ".join(TOML_KEYS)).split())
    # A table with a "kind" outside ``kinds`` (the lexicon's conditions, activities...) gives only its
    # question/option wording, not its label: those labels are the lexicon's, never shown to a visitor.
    kinds = set((options or {}).get("label_kinds", "").split())
    # Tables that are not the visitors' (data/regions.toml's desk entries are the staff console's, English).
    skip = set((options or {}).get("skip", "").split())

    def lineno(text: str) -> int:
        needle = text.replace("\\", "\\\\").replace('"', '\\"')
        return next((n for n, line in enumerate(lines, 1) if needle in line or text in line), 0)

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in _NOT_WORDING or k in skip or (k == "label" and kinds and node.get("kind") not in kinds):
                    continue
                yield from walk(v, k)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, key)
        elif isinstance(node, str) and key in keys and node.strip() and node not in seen:
            seen.add(node)
            yield lineno(node), "gettext", " ".join(node.split()) if "\n" not in node else node, []

    yield from walk(tomllib.loads(raw))
