"""Every setting of the app in one place: name, default, type, validation (microblog's config.py,
datasette's SETTINGS).

Settings are layered: the defaults below, then ``<instance>/config.py``, then
environment variables prefixed ``CLINICBOT_``, then the mapping given to
``create_app`` (tests). Each value is then coerced to its type and checked, so a
mistyped variable stops the start with a message naming it instead of being read
as a truthy string later ("False" used to leave logging on). Other modules read
``app.config[NAME]`` and never supply a default of their own.
``docs/configuration.md`` documents each one; tests/test_config.py keeps it so.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.settings import DEFAULT_DISCLAIMER, BotSettings
from index.datafile import read_toml
from index.refresh import DEFAULT_MAX_PAGES, PLATFORMS

PREFIX = "CLINICBOT_"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLED_FEED = os.path.join(ROOT, "data", "victory-blog.rss.xml")
TRUE = ("true", "1", "yes", "on")
FALSE = ("false", "0", "no", "off")
#: An origin as CSP and postMessage understand it; "*." is allowed for subdomains of one host.
ORIGIN = re.compile(r"^https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?$")
_BOT = BotSettings()


class ConfigError(RuntimeError):
    """The configuration cannot be used to start the app; the message names the variable."""


def split_list(value) -> list[str]:
    """A list setting from a list, or from a string separated by commas and/or spaces."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple | set) else re.split(r"[\s,]+", str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def parse_origins(value, name: str = "WIDGET_ORIGINS") -> tuple[str, ...]:
    """Bare origins (scheme, host, optional port; lower-cased, no trailing slash), duplicates dropped.

    A path, a query or a stray ';' would otherwise be pasted into a CSP or CORS
    header, so a wrong entry stops the app at start instead of opening it up.
    """
    origins = []
    for item in split_list(value):
        item = item.rstrip("/")
        if not ORIGIN.match(item):
            raise ConfigError(f"{PREFIX}{name}: {item!r} is not an origin like https://www.example-clinic.com")
        origins.append(item.lower())
    return tuple(dict.fromkeys(origins))


def _bool(value, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ConfigError(f"{PREFIX}{name}: {value!r} is not a boolean; use true/false, 1/0 or yes/no")


def _number(kind: type) -> Callable:
    def coerce(value, name: str):
        if isinstance(value, bool):
            raise ConfigError(f"{PREFIX}{name}: {value!r} is not a number")
        try:
            return kind(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{PREFIX}{name}: {value!r} is not {'a whole' if kind is int else 'a'} number") from None
    return coerce


def _text(value, name: str) -> str:
    return str(value).strip()


def _time_zone(value, name: str) -> str:
    """An IANA time zone name the system's zone database knows ("America/Los_Angeles")."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    text = str(value).strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{PREFIX}{name}: {text!r} is not a time zone like America/Los_Angeles or Europe/London "
                          "(an IANA name; install the tzdata package if none is known)") from None
    return text


def _hosts(value, name: str) -> list[str] | None:
    """None (Flask: any host) when empty."""
    return split_list(value) or None


def _origins(value, name: str) -> tuple[str, ...]:
    return parse_origins(value, name)


def _languages(value, name: str) -> tuple[str, ...]:
    """Language codes with a catalog under translations/ (English is the source and always has one)."""
    from bot.i18n import available

    langs = tuple(dict.fromkeys(item.lower() for item in split_list(value)))
    unknown = [lang for lang in langs if lang not in available()]
    if unknown or not langs:
        raise ConfigError(f"{PREFIX}{name}: {', '.join(unknown) or 'empty'} has no catalog in translations/ "
                          f"(available: {', '.join(available())}); docs/spanish.md says how to add a language")
    return langs


def _own_wording(value, name: str) -> dict[str, dict[str, str]]:
    """The clinic's own wording in other languages: a TOML file (or, in tests, a mapping) with one
    table per interface language, each mapping the configured English text to its translation."""
    from bot.i18n import SOURCE, available

    if isinstance(value, (str, os.PathLike)):
        try:
            value = read_toml(value, ConfigError)
        except ConfigError as exc:
            raise ConfigError(f"{PREFIX}{name}: {exc}") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{PREFIX}{name}: expected a TOML file with one table per language")
    wording = {}
    for lang, table in value.items():
        if lang == SOURCE or lang not in available():
            raise ConfigError(f"{PREFIX}{name}: [{lang}] is not a translated interface language "
                              f"(available: {', '.join(x for x in available() if x != SOURCE)})")
        if not isinstance(table, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip() for k, v in table.items()):
            raise ConfigError(f"{PREFIX}{name}: [{lang}] must map the clinic's English text to non-empty text")
        wording[lang] = {" ".join(k.split()): v.strip() for k, v in table.items()}
    return wording


@dataclass(frozen=True)
class Setting:
    """One setting: its default, how it is read and what it allows."""

    name: str
    default: object
    coerce: Callable = _text
    minimum: float | None = None
    choices: tuple | None = None


BOOL, INT, FLOAT = _bool, _number(int), _number(float)

SETTINGS: tuple[Setting, ...] = (
    # The app
    Setting("ENV_NAME", "development"),
    Setting("INSTANCE_PATH", None),
    Setting("SECRET_KEY", None),
    Setting("FEED", BUNDLED_FEED),
    Setting("INDEX_DIR", None),
    Setting("LOAD_INDEX_AT_START", True, BOOL),
    Setting("INDEX_CHECK_SECONDS", 2.0, FLOAT, minimum=0),
    Setting("MAX_MESSAGE_CHARS", 2000, INT, minimum=1),
    Setting("MAX_CONTENT_LENGTH", 64 * 1024, INT, minimum=1),
    # The clinic, in answers
    # None: the feed's channel title names the clinic (web/clinic.py); with the bundled feed, app.py's
    # BUNDLED_CLINIC_NAME.
    Setting("CLINIC_NAME", None),
    Setting("BOOKING_URL", None),
    Setting("PHONE", None),
    Setting("CTA_TEXT", _BOT.cta_text),
    Setting("DISCLAIMER", DEFAULT_DISCLAIMER),
    Setting("EMERGENCY_NUMBER", _BOT.emergency_number),
    Setting("CRISIS_LINE", _BOT.crisis_line),
    Setting("CRISIS_LINE_NAME", _BOT.crisis_line_name),
    # Lines the red-flag answers offer for abuse (bot/answers.py); an empty text number leaves "or text" out.
    Setting("DOMESTIC_ABUSE_LINE", _BOT.domestic_abuse_line),
    Setting("DOMESTIC_ABUSE_LINE_NAME", _BOT.domestic_abuse_line_name),
    Setting("DOMESTIC_ABUSE_TEXT", _BOT.domestic_abuse_text),
    Setting("DOMESTIC_ABUSE_TEXT_WORD", _BOT.domestic_abuse_text_word),
    Setting("CHILD_ABUSE_LINE", _BOT.child_abuse_line),
    Setting("CHILD_ABUSE_LINE_NAME", _BOT.child_abuse_line_name),
    # The clinic's own CTA_TEXT, DISCLAIMER and kiosk message in other languages (bot/settings.localise)
    Setting("CLINIC_TRANSLATIONS_FILE", {}, _own_wording),
    Setting("STARTERS", None),
    # Languages of the interface (web/i18n.py); answers follow the message's language (bot/chat.py)
    Setting("LANGUAGES", ("en", "es"), _languages),
    Setting("DEFAULT_LANGUAGE", "en"),
    Setting("KIOSK_LANGUAGE", ""),
    # The clinic's local time, for the front desk (call-back times and waits, the log).
    Setting("CLINIC_TIME_ZONE", "America/Los_Angeles", _time_zone),
    # Kiosk (web/kiosk.py)
    Setting("KIOSK_IDLE_SECONDS", 60, INT, minimum=1),
    Setting("KIOSK_WARNING_SECONDS", 20, INT, minimum=0),
    Setting("KIOSK_MESSAGE", ""),
    Setting("KIOSK_REGIONS_FILE", None),
    Setting("KIOSK_PIN_MAX_ATTEMPTS", 5, INT, minimum=1),
    Setting("KIOSK_PIN_WINDOW_SECONDS", 900, INT, minimum=1),
    Setting("KIOSK_PIN_LOCKOUT_SECONDS", 300, INT, minimum=0),
    Setting("KIOSK_PIN_GLOBAL_ATTEMPTS", 30, INT, minimum=1),
    Setting("KIOSK_STAFF_TOKEN_SECONDS", 300, INT, minimum=1),
    # Inquiry log, staff console, call-backs (web/db.py, web/staff/)
    Setting("DATABASE_URL", None),
    Setting("DB_AUTO_MIGRATE", True, BOOL),
    Setting("INQUIRY_LOG", True, BOOL),
    Setting("LOG_FLUSH_SECONDS", 0.25, FLOAT, minimum=0),
    Setting("LOG_JOURNAL_DIR", None),
    Setting("RETENTION_DAYS", 30, INT, minimum=0),
    Setting("CALLBACK_RETENTION_DAYS", 90, INT, minimum=1),
    # Conversation memory (web/conversation.py)
    Setting("CONVERSATION_IDLE_MINUTES", 120.0, FLOAT, minimum=0),
    Setting("CONVERSATION_STORE", "database"),
    # Teaching (web/teaching.py): how often a worker looks for lessons made on another server
    Setting("TEACHING_CACHE_SECONDS", 5.0, FLOAT, minimum=0),
    Setting("STAFF_SESSION_HOURS", 12.0, FLOAT, minimum=0.01),
    Setting("SESSION_COOKIE_SECURE", False, BOOL),
    Setting("SESSION_COOKIE_SAMESITE", "Lax"),
    Setting("WTF_CSRF_TIME_LIMIT", 8 * 3600, INT, minimum=1),
    # Embedding and HTTP policy (web/widget.py, web/cors.py, web/security.py, web/limits.py)
    Setting("WIDGET_ORIGINS", (), _origins),
    Setting("CORS_ORIGINS", (), _origins),
    Setting("TRUSTED_HOSTS", None, _hosts),
    Setting("HSTS", True, BOOL),
    Setting("PROXY_COUNT", 0, INT, minimum=0),
    Setting("CHAT_RATE_LIMIT", "20 per minute;200 per hour"),
    Setting("CALLBACK_RATE_LIMIT", "3 per hour;10 per day"),
    Setting("CALLBACK_ATTEMPT_RATE_LIMIT", "30 per hour"),
    Setting("EVENT_RATE_LIMIT", "30 per minute;300 per hour"),
    Setting("RATELIMIT_ENABLED", True, BOOL),
    Setting("RATELIMIT_STORAGE_URI", "memory://"),
    Setting("RATELIMIT_SWALLOW_ERRORS", True, BOOL),
    Setting("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True, BOOL),
    Setting("RATELIMIT_KEY_PREFIX", "clinicbot"),
    Setting("REDIS_TIMEOUT_SECONDS", 0.25, FLOAT, minimum=0.01),
    Setting("METRICS_ENABLED", True, BOOL),
    Setting("METRICS_TOKEN", None),
    # Feed refresh and the post archive (web/refresh.py)
    Setting("ARCHIVE_URL", None),
    Setting("FEED_PAGINATION", "auto", choices=PLATFORMS),
    Setting("FEED_MAX_PAGES", DEFAULT_MAX_PAGES, INT, minimum=1),
    Setting("REFRESH_INTERVAL_SECONDS", 0.0, FLOAT, minimum=0),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}
DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


def from_environ(environ=os.environ) -> dict:
    """``CLINICBOT_*`` variables: known settings as the raw text (coerced later, by their type),
    others as JSON where they parse (Flask's from_prefixed_env), else text."""
    values = {}
    for key in sorted(environ):
        if not key.startswith(PREFIX):
            continue
        name, raw = key[len(PREFIX):], environ[key]
        if name in BY_NAME:
            values[name] = raw
            continue
        try:
            values[name] = json.loads(raw)
        except ValueError:
            values[name] = raw
    return values


def coerce(config) -> None:
    """Turn every setting in ``config`` into its type and check it; ConfigError names the variable.

    None or blank text (an empty variable) means the default.
    """
    for setting in SETTINGS:
        value = config.get(setting.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            config[setting.name] = setting.default
            continue
        value = setting.coerce(value, setting.name)
        if setting.minimum is not None and value < setting.minimum:
            raise ConfigError(f"{PREFIX}{setting.name}: {value!r} is below the least allowed, {setting.minimum:g}")
        if setting.choices is not None and value not in setting.choices:
            raise ConfigError(f"{PREFIX}{setting.name}: {value!r} is not one of {', '.join(setting.choices)}")
        config[setting.name] = value
    _check_together(config)


def _check_together(config) -> None:
    """Rules that join two settings."""
    for name in ("DEFAULT_LANGUAGE", "KIOSK_LANGUAGE"):
        value = config[name].lower()
        config[name] = value
        if value and value not in config["LANGUAGES"]:
            raise ConfigError(f"{PREFIX}{name}: {value!r} is not one of LANGUAGES ({', '.join(config['LANGUAGES'])})")
    if config["ENV_NAME"] == "production" and config["RATELIMIT_ENABLED"] and \
            str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        raise ConfigError(
            "RATELIMIT_STORAGE_URI is memory:// in production: each worker would count on its own. "
            f"Set {PREFIX}RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (or disable with "
            f"{PREFIX}RATELIMIT_ENABLED=false)")
