"""What the bot needs to know about the clinic, independent of Flask."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot import i18n
from bot.i18n import N_

# Marked for the catalogs (bot/i18n.py): these defaults are shown in the visitor's language.
DEFAULT_DISCLAIMER = N_(
    "This chat shares articles from our blog for general information. It is not medical "
    "advice, a diagnosis or a substitute for an examination by a licensed clinician."
)
DEFAULT_CTA_TEXT = N_("Book an appointment")


@dataclass(frozen=True)
class BotSettings:
    """Clinic details and answer policy. Built by the web layer from its config."""

    clinic_name: str = "our clinic"
    booking_url: str | None = None
    phone: str | None = None
    cta_text: str = DEFAULT_CTA_TEXT
    disclaimer: str = DEFAULT_DISCLAIMER
    emergency_number: str = "911"
    crisis_line: str = "988"
    crisis_line_name: str = "988 Suicide & Crisis Lifeline"
    domestic_abuse_line: str = "1-800-799-7233"
    domestic_abuse_line_name: str = "National Domestic Violence Hotline"
    domestic_abuse_text: str = "88788"
    domestic_abuse_text_word: str = "START"
    child_abuse_line: str = "1-800-422-4453"
    child_abuse_line_name: str = "Childhelp National Child Abuse Hotline"
    max_results: int = 5
    #: The clinic's own wording in other languages: {lang: {English text: translation}} (CLINIC_TRANSLATIONS_FILE).
    own_wording: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False)


def in_language(settings: BotSettings, text: str, lang: str | None) -> str:
    """One piece of the clinic's wording in ``lang``: its own translation when the clinic gave one
    (CLINIC_TRANSLATIONS_FILE), the catalog's for the product's defaults, else as configured."""
    if not text or not lang or lang == i18n.SOURCE:
        return text
    own = settings.own_wording.get(lang, {}).get(" ".join(text.split()))
    if own:
        return own
    if text in (DEFAULT_CTA_TEXT, DEFAULT_DISCLAIMER):
        return i18n.gettext(lang, text)
    return text


def localise(settings: BotSettings, lang: str | None) -> BotSettings:
    """The clinic's settings with the call-to-action and notice in ``lang`` (see in_language);
    numbers and the clinic's name are never translated."""
    if not lang or lang == i18n.SOURCE:
        return settings
    changes = {name: in_language(settings, getattr(settings, name), lang) for name in ("cta_text", "disclaimer")}
    changes = {name: text for name, text in changes.items() if text != getattr(settings, name)}
    return replace(settings, **changes) if changes else settings
