"""Ask before answering when a message names nothing a card could be chosen by.

"It hurts", "I'm in so much pain", "me duele mucho": ranked as they are, the
words a section shares with them are "pain" and "much", and the cards are
random. Such a message names no lexicon concept (no region, condition,
activity, symptom or topic) and no word beyond pain words, everyday words and
the words of degree listed in data/card_words.toml. It gets a short question
with the body regions the clinic's posts cover as tappable options; the tapped
option comes back as the next message with the answer's context and is
answered normally. bot/intents.py's ``where_it_hurts`` asks the same for the
commonest English wordings; this catches the rest, in either language.
Pure: no Flask, no IO beyond the data files.
"""

from __future__ import annotations

from functools import lru_cache

from bot import cards, followup, intents
from index import analysis


@lru_cache(maxsize=1)
def vague_stems() -> frozenset[str]:
    """Stems of the words that never make a message specific: degree words, pain words, everyday words."""
    listed = cards.words().get("clarify", {}).get("words", [])
    return frozenset(s for word in listed for s in analysis.stems(word)) | cards.generic_stems()


def is_vague(text: str | analysis.Reading, concepts) -> bool:
    """True when ``text`` (what would be ranked: corrected, a Spanish message's gloss) names nothing to match.

    Given the ranked text's analysis.Reading, its corrected stems are used, not tokenised again.
    """
    if concepts:
        return False
    if isinstance(text, analysis.Reading):
        said, text = text.corrected_stems, text.corrected
    else:
        said = analysis.stems(text)
    return bool(intents.normalize(text)) and not (set(said) - vague_stems())


def question(index, lang: str) -> tuple[str, followup.FollowUp | None]:
    """The reply and the question with its options, in the answer's language (None with no regions to offer).

    The options are the regions of intents.region_options (those a heading of the
    posts names), each in the answer's language.
    """
    words = cards.words().get("clarify", {})
    lang = lang if lang in ("en", "es") else "en"
    reply = words.get(f"reply_{lang}") or words.get("reply_en", "")
    lexicon = analysis.lexicon()
    covered = [c for c in lexicon.by_kind("region") if index.coverage.get(c.id, {}).get("headed")]
    labels = cards.words().get("concept", {})
    options = [_capital(labels.get(c.id, {}).get(lang) or c.label) for c in covered]
    if not options:
        return reply, None
    return reply, followup.FollowUp(None, words.get(lang) or words.get("en", ""), options)


def _capital(text: str) -> str:
    """"knee" -> "Knee", as the options are written."""
    return text[:1].upper() + text[1:]
