"""Build the bot's clinic settings from app config and the live index."""

from __future__ import annotations

from bot.settings import DEFAULT_DISCLAIMER, BotSettings


def bot_settings(config, index=None) -> BotSettings:
    """Configured values win; booking URL and phone fall back to what the feed advertises."""
    harvested = (index.manifest.get("booking") if index is not None else None) or {}
    return BotSettings(
        clinic_name=config["CLINIC_NAME"],
        booking_url=config.get("BOOKING_URL") or harvested.get("url"),
        phone=config.get("PHONE") or harvested.get("phone"),
        cta_text=config["CTA_TEXT"],
        disclaimer=config.get("DISCLAIMER") or DEFAULT_DISCLAIMER,
        emergency_number=str(config["EMERGENCY_NUMBER"]),
        crisis_line=str(config["CRISIS_LINE"]),
        crisis_line_name=str(config.get("CRISIS_LINE_NAME") or "988 Suicide & Crisis Lifeline"),
        domestic_abuse_line=str(config.get("DOMESTIC_ABUSE_LINE") or BotSettings.domestic_abuse_line),
        domestic_abuse_line_name=str(config.get("DOMESTIC_ABUSE_LINE_NAME") or BotSettings.domestic_abuse_line_name),
        domestic_abuse_text=str(config.get("DOMESTIC_ABUSE_TEXT") or ""),
        domestic_abuse_text_word=str(config.get("DOMESTIC_ABUSE_TEXT_WORD") or BotSettings.domestic_abuse_text_word),
        child_abuse_line=str(config.get("CHILD_ABUSE_LINE") or BotSettings.child_abuse_line),
        child_abuse_line_name=str(config.get("CHILD_ABUSE_LINE_NAME") or BotSettings.child_abuse_line_name),
    )
