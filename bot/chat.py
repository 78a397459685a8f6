"""Decide what to say to one visitor message.

Order matters and is fixed: screen for red flags first (an emergency gets care
instructions and nothing else; an urgent presentation gets "see a doctor today"
and no articles), then look for articles, then compose a reply
that always carries the booking call-to-action and the notice. Pure: no Flask,
no IO beyond the loaded index passed in.
"""

from __future__ import annotations

from bot import answers, cards, clarify, followup, i18n, intents, matcher, snippets, triage
from bot import teaching as lessons
from bot.i18n import N_
from bot.settings import BotSettings, localise
from index import analysis, spanish

# The answers' fixed wording, translated into the reply's language where it is used (bot/i18n.py).
CALL_NOW = N_("Call %(phone)s now")
CALL_OR_TEXT_NOW = N_("Call or text %(phone)s now")
EMERGENCY_LABEL = N_("Emergency")
AFTER_URGENT = N_("Once a doctor has checked you, our physical therapists at %(clinic)s can help with your recovery.")
NO_ARTICLE = N_("We don't have an article on that yet. The best next step is to talk to one of our physical "
                "therapists at %(clinic)s: they can look at it properly.")
FOUND = N_("Here is what our blog says about that. These sections look most relevant:")
WHERE = N_("Where do you feel it, and what brings it on?")


def _tel(number: str) -> str:
    """A tel: link keeps digits and a leading plus only, so "0800 123 456" dials."""
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")


def emergency_numbers(settings: BotSettings, screened: triage.Triage | None = None,
                      lang: str | None = None) -> list[dict]:
    """The numbers an emergency answer offers: the crisis line too when self-harm fired, first when it leads."""
    emergency = {"label": i18n.gettext(lang, EMERGENCY_LABEL), "phone": settings.emergency_number,
                 "url": _tel(settings.emergency_number)}
    if screened is None or not screened.mentions_crisis:
        return [emergency]
    crisis = {"label": settings.crisis_line_name, "phone": settings.crisis_line, "url": _tel(settings.crisis_line)}
    return [crisis, emergency] if screened.is_crisis else [emergency, crisis]


def cta(settings: BotSettings, level: str = "none", screened: triage.Triage | None = None,
        safety: answers.SafetyAnswer | None = None, lang: str | None = None) -> dict:
    """The call-to-action; for an emergency or a crisis the booking link is replaced by the lines to call."""
    if safety is not None and safety.numbers and (level == "emergency" or safety.kind in answers.LINE_KINDS):
        first = safety.numbers[0]
        return {"text": safety.title if safety.title_calls else first["text"], "url": first["url"],
                "phone": first["phone"], "numbers": safety.numbers}
    if level == "emergency":
        numbers = emergency_numbers(settings, screened, lang)
        first = numbers[0]
        words = CALL_OR_TEXT_NOW if screened is not None and screened.is_crisis else CALL_NOW
        return {"text": i18n.gettext(lang, words, phone=first["phone"]), "url": first["url"],
                "phone": first["phone"], "numbers": numbers}
    return {"text": settings.cta_text, "url": settings.booking_url, "phone": settings.phone}


def triage_numbers(settings: BotSettings) -> dict:
    """The clinic's configured numbers, for the rule message templates."""
    return {name: getattr(settings, name) for name in triage.NUMBER_FIELDS}


def result_card(index, match: matcher.Match, stems: set[str], reading: cards.Reading | None = None) -> dict:
    """The public shape of one result; with ``reading``, also why it was chosen and only what carried it marked."""
    section = index.sections[match.section_id]
    snippet = snippets.best_sentences(section["text"] or section.get("heading") or "", stems)
    card = {
        "post_title": section["post_title"],
        "post_url": section["post_url"],
        "post_slug": section["post_slug"],
        "section_heading": section["heading"],
        "parent_heading": section["parent_heading"],
        "section_url": section["section_url"],
        "snippet": snippet,
        "snippet_html": str(snippets.mark(snippet, stems)),
        "score": round(match.score, 4),
        # The posts are the clinic's own, in English; a Spanish answer says so on each card.
        "article_lang": "en",
    }
    if reading is not None:
        card.update(cards.explain(index, match.section_id, snippet, reading))
    return card


def answer_cards(index, matches: list[matcher.Match], reading: cards.Reading) -> list[dict]:
    """The answer's cards: each says why it was chosen, sections of one post are one card (bot/cards.py)."""
    return cards.group([result_card(index, m, reading.stems, reading) for m in matches])


class _IndexEnglish:
    """A word of a Spanish message as an English word the index has ("el shoulder"), typos corrected."""

    def __init__(self, index):
        self.index = index

    def __call__(self, word: str) -> str | None:
        if spanish.english_word(word) or self._has(word):
            return word
        # Only longer words are corrected: a short Spanish word is a letter from some English
        # one ("pasa", pass), a long one rarely ("cronic", chronic).
        if len(word) < spanish.MIN_CORRECTED:
            return None
        word = self.index.correct(word)
        return word if spanish.english_word(word) or self._has(word) else None

    def _has(self, word: str) -> bool:
        return self.index.columns([analysis.stem(word)])[0] is not None


def english_reading(message: str, index) -> str:
    """A Spanish message as the English the index is searched with (what the chat matches; the desk too)."""
    return spanish.gloss(message, _IndexEnglish(index))


def _reply_text(settings: BotSettings, matched: bool, screened: triage.Triage,
                safety: answers.SafetyAnswer | None = None, lang: str | None = None) -> str:
    """Emergency: the care instruction only. Urgent: the care instruction, then where we come in."""
    if safety is not None:
        if screened.level == "urgent" and safety.kind == "urgent":
            return f"{safety.text}\n\n{answers.after_urgent(safety.lang, settings.clinic_name)}"
        return safety.text
    if screened.level == "emergency":
        return screened.message or i18n.gettext(lang, CALL_NOW, phone=settings.emergency_number)
    if screened.level == "urgent":
        return f"{screened.message}\n\n{i18n.gettext(lang, AFTER_URGENT, clinic=settings.clinic_name)}"
    if not matched:
        return i18n.gettext(lang, NO_ARTICLE, clinic=settings.clinic_name)
    return i18n.gettext(lang, FOUND)


def reply_language(message: str, page_lang: str | None, tapped: bool) -> str:
    """The answer's language: the message's; for the product's own wording a visitor tapped (a keyword list,
    a translated option or chip) and for a message that reads as neither language ("ok"), the page's."""
    page = page_lang if page_lang in answers.LANGUAGES else None
    if tapped and page:
        return page
    return spanish.detect(message, tie=page or "en")


def _localised(follow_up: followup.FollowUp | None, lang: str) -> followup.FollowUp | None:
    """A follow-up question and its options in the reply's language (tapping one sends it back: source_of)."""
    if follow_up is None or lang == i18n.SOURCE:
        return follow_up
    return followup.FollowUp(follow_up.region, i18n.gettext(lang, follow_up.question),
                             [_option(option, lang) for option in follow_up.options])


def _option(option: str, lang: str) -> str:
    """An option in ``lang``; a region option is the lexicon's label capitalised ("Knee" is "knee")."""
    translated = i18n.gettext(lang, option)
    if translated == option and option[:1].isupper():
        label = option[:1].lower() + option[1:]
        translated = i18n.gettext(lang, label)
        translated = translated[:1].upper() + translated[1:] if translated != label else option
    return translated


def respond(message: str, index, settings: BotSettings, context: str | None = None, lang: str | None = None,
            teaching: lessons.Teaching | None = None, page_lang: str | None = None, keywords: bool = False) -> dict:
    """The full answer to one message, in the public API shape.

    ``context`` is the opaque string a previous answer returned with its
    follow-up question; the earlier message is then matched together with this
    one ("elbow pain" + "the inside"). Screening always looks at this message.
    ``lang`` is the visitor's language when ``message`` joins what they said earlier
    (a Spanish follow-up to an English complaint is answered in Spanish); by default
    this message's own.
    ``teaching``: the clinic's corrections and phrases (bot/teaching.py), applied
    to the ranking only, so never to a message the red-flag screen stopped.
    ``page_lang`` is the language of the visitor's page (web/i18n.py), for wording that is not the visitor's own.
    ``keywords``: the message is the product's own keyword list, tapped rather than written (only the
    caller knows): the rules screen it, the learned layer (trained on how people write) does not,
    and the reply is in the page's language.
    """
    learned = False if keywords else None
    screened = triage.screen(message, numbers=triage_numbers(settings), learned=learned)
    # A translated option, chip or region the visitor tapped is read as the English wording it stands for.
    tapped = i18n.source_of(message, page_lang)
    # What the message is read as, and the language the reply is in (red-flag answers too, same numbers).
    read_lang = "en" if tapped else (lang or spanish.detect(message))
    lang = lang or reply_language(message, page_lang, keywords or tapped is not None)
    settings = localise(settings, lang)
    safety = answers.compose(screened, message, triage_numbers(settings), lang)
    results: list[dict] = []
    matched = False
    follow_up = None
    region = None
    earlier = followup.decode_context(context)
    # Not a complaint ("hi", "thanks", "book an appointment", "it hurts"): only ever after screening,
    # and never for the answer to a follow-up question, which is read with the message before it.
    # The visitor's own words, read once (index/analysis.read); every layer below takes the Reading.
    own = analysis.read(tapped or message)
    intent = intents.recognise(own) if not screened.is_red_flag and earlier is None else None
    reply = None
    # What the next answer to a follow-up question is read with: everything said so far.
    query = f"{earlier['message']} {message}" if earlier else message
    # A Spanish message is matched through its English gloss.
    read = spanish.gloss(query, _IndexEnglish(index)) if read_lang == "es" else query
    if tapped:
        said = earlier["message"] if earlier else ""
        said = spanish.gloss(said, _IndexEnglish(index)) if said and spanish.detect(said) == "es" else said
        read = f"{said} {tapped}".strip()
    if intent is not None:
        if intent.kind == "where":
            options = intents.region_options(index)
            reply = i18n.gettext(lang, intent.reply or intent.question) if options else i18n.gettext(lang, WHERE)
            follow_up = followup.FollowUp(None, intent.question, options) if options else None
        else:
            reply = intents.reply_text(intent, settings.clinic_name, settings.booking_url, settings.phone, lang)
    elif screened.level == "urgent":
        # Care first and nothing to read: a hot swollen calf after a flight must not be
        # offered a shin-splints article, nor an ankle that cannot bear weight a sprain one.
        said = tapped or (spanish.gloss(message) if read_lang == "es" else message)
        region = followup.region_of(list(analysis.read(said, index).concepts))
    elif screened.level != "emergency":
        lesson = teaching.read(index, message, read, read_lang) if teaching else None
        read = lesson.read if lesson else read
        # What is ranked, read once against the index (typos corrected, analyzer terms, concepts).
        heard = analysis.read(read, index)
        ranking = matcher.rank(index, read, limit=settings.max_results, reading=heard)
        if lesson is not None:
            ranking = lessons.pin(index, ranking, teaching.pins(index, lesson, read_lang).pinned, settings.max_results)
        # A message the clinic taught an answer to is answered, not asked where.
        if earlier is None and not (lesson and lesson.pinned) and clarify.is_vague(heard, ranking.concepts):
            # Nothing to match ("I'm in so much pain"): ask where, with tappable regions, instead of cards.
            reply, follow_up = clarify.question(index, lang)
            ranking = matcher.Ranking([], 0.0)
        matched = ranking.matched
        region = followup.region_of(ranking.concepts) or (earlier or {}).get("region")
        if matched:
            reading = cards.read(heard, own if own.text == message else analysis.read(message), lang,
                                 ranking.concepts)
            results = answer_cards(index, ranking.matches, reading)
            # One question per complaint; the answer to "Where do you feel it?" (no region yet)
            # may still be asked which part of that region.
            if (earlier is None or earlier["region"] is None) and not (lesson and lesson.corrections):
                follow_up = followup.ask(index, own, ranking.concepts)
    level = screened.level if screened.is_red_flag else ("routine" if matched else "none")
    shown = _localised(follow_up, lang)
    return {
        "reply": reply or _reply_text(settings, matched, screened, safety, lang),
        "lang": lang,
        "matched": matched,
        "intent": intent.id if intent else None,
        "results": results,
        "follow_up": shown.to_dict() if shown else None,
        # The question is asked instead of cards: the message named nothing to match ("it hurts").
        "clarify": bool(follow_up) and not results,
        "region": followup.region_label(region),
        "context": followup.encode_context(query, follow_up.region) if follow_up else None,
        "triage": triage_json(screened, level, safety),
        "cta": cta(settings, level, screened, safety, lang),
        "disclaimer": settings.disclaimer,
    }


def triage_json(screened: triage.Triage, level: str, safety: answers.SafetyAnswer | None) -> dict:
    """The answer's triage object: what fired, and how the answer is worded (title, language, family)."""
    out = {
        "level": level,
        "message": safety.text if safety is not None else screened.message,
        "rule_ids": screened.rule_ids,
        "categories": screened.categories,
        "family": screened.family,
        # Added by the learned screen (issue 14); absent before it lands, so read defensively.
        "source": getattr(screened, "source", None) or ("rules" if screened.rule_ids else None),
        "learned_score": getattr(screened, "learned_score", None),
    }
    if safety is not None:
        out.update({"kind": safety.kind, "title": safety.title, "lang": safety.lang, "notice": safety.notice,
                    "about_child": safety.about_child})
    return out
