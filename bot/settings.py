"""What the bot needs to know about the clinic, independent of Flask."""

from __future__ import annotations

from dataclasses import dataclass, replace

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


def localise(settings: BotSettings, lang: str | None) -> BotSettings:
    """The clinic's settings with the default call-to-action and notice in ``lang``.

    A clinic's own wording (CTA_TEXT, DISCLAIMER set to something else) has no catalog entry and is
    kept as configured; numbers and the clinic's name are never translated.
    """
    if not lang or lang == i18n.SOURCE:
        return settings
    changes = {}
    if settings.cta_text == DEFAULT_CTA_TEXT:
        changes["cta_text"] = i18n.gettext(lang, DEFAULT_CTA_TEXT)
    if settings.disclaimer == DEFAULT_DISCLAIMER:
        changes["disclaimer"] = i18n.gettext(lang, DEFAULT_DISCLAIMER)
    return replace(settings, **changes) if changes else settings
