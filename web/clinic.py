"""Build the bot's clinic settings from app config and the live index.

The clinic's identity comes from its own feed unless configured: its name from
the channel title, its booking link and phone from what its posts advertise. A
feed that advertises neither gets no booking link or phone at all, never
another clinic's.
"""

from __future__ import annotations

import re

from bot.settings import BotSettings

#: Said of the clinic when neither the configuration nor the feed's title names it.
FALLBACK_NAME = "our clinic"
#: What separates a site's name from the rest of a feed title ("Back Pain – AT Surgical",
#: "Kibworth Osteopaths & Pilates - Blog", "News | Riverside Physio").
TITLE_PARTS = re.compile(r"\s+[-–—|:·»]\s+")
#: Title parts that name the feed, not the clinic.
GENERIC_PARTS = re.compile(r"^(?:the\s+)?(?:blog|news|articles?|posts?|feed|rss|latest|updates|journal|home|"
                           r"comments?(?:\s+feed)?|(?:our\s+)?blog\s+posts?|category\s+feed)$", re.I)


def name_from_title(title: str | None) -> str:
    """The clinic's name in a feed's channel title, or "" when the title names only the feed.

    A title often joins the site's name and the feed's ("Kibworth Osteopaths &
    Pilates - Blog"); a WordPress category feed puts the category first ("Back
    Pain – AT Surgical"). Generic parts are dropped and the last remaining one,
    the site's name in both shapes, is kept.
    """
    parts = [p.strip() for p in TITLE_PARTS.split(" ".join((title or "").split()))]
    named = [p for p in parts if p and not GENERIC_PARTS.match(p)]
    return named[-1] if named else ""


def clinic_name(config, index=None) -> str:
    """The configured name, else the name in the live feed's title, else a neutral 'our clinic'."""
    configured = config.get("CLINIC_NAME")
    if configured:
        return configured
    title = index.manifest.get("feed_title") if index is not None else None
    return name_from_title(title) or FALLBACK_NAME


def bot_settings(config, index=None) -> BotSettings:
    """Configured values win; name, booking URL and phone fall back to what the feed says."""
    harvested = (index.manifest.get("booking") if index is not None else None) or {}
    return BotSettings(
        clinic_name=clinic_name(config, index),
        booking_url=config["BOOKING_URL"] or harvested.get("url"),
        phone=config["PHONE"] or harvested.get("phone"),
        cta_text=config["CTA_TEXT"],
        disclaimer=config["DISCLAIMER"],
        emergency_number=str(config["EMERGENCY_NUMBER"]),
        crisis_line=str(config["CRISIS_LINE"]),
        crisis_line_name=str(config["CRISIS_LINE_NAME"]),
        domestic_abuse_line=str(config["DOMESTIC_ABUSE_LINE"]),
        domestic_abuse_line_name=str(config["DOMESTIC_ABUSE_LINE_NAME"]),
        domestic_abuse_text=str(config["DOMESTIC_ABUSE_TEXT"] or ""),  # "" leaves the text clause out
        domestic_abuse_text_word=str(config["DOMESTIC_ABUSE_TEXT_WORD"]),
        child_abuse_line=str(config["CHILD_ABUSE_LINE"]),
        child_abuse_line_name=str(config["CHILD_ABUSE_LINE_NAME"]),
        own_wording=config["CLINIC_TRANSLATIONS_FILE"],
    )
