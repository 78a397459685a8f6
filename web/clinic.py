"""Build the bot's clinic settings from app config and the live index."""

from __future__ import annotations

from bot.settings import BotSettings


def bot_settings(config, index=None) -> BotSettings:
    """Configured values win; booking URL and phone fall back to what the feed advertises."""
    harvested = (index.manifest.get("booking") if index is not None else None) or {}
    return BotSettings(
        clinic_name=config["CLINIC_NAME"],
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
    )
