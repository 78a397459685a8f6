"""Red-flag answers per family, in English and Spanish (bot/answers.py, POST /api/chat).

The example messages are our own, written from the public guidance each rule cites;
they are not the independent held-out set.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot import answers, triage
from index import spanish

# (family, level, lang, message)
FAMILY_MESSAGES = [
    ("heart_vessels", "emergency", "en", "my chest feels squeezed and I'm sweaty and sick, started while raking "
                      "leaves"),
    ("heart_vessels", "emergency", "es", "me duele mucho el pecho y estoy sudando frio"),
    ("heart_vessels", "emergency", "en", "sudden severe stomach pain going to my back and I feel faint and clammy"),
    ("brain_nerves", "emergency", "en", "my dad's face looks lopsided and his words are jumbled"),
    ("brain_nerves", "emergency", "es", "a mi papa se le cayo la cara de un lado y habla raro"),
    ("brain_nerves", "urgent", "en", "I'm 72, new headache at my temples and my jaw aches when I chew"),
    ("spine", "emergency", "en", "can't feel the toilet paper when I wipe and my low back is killing me"),
    ("spine", "emergency", "es", "no siento nada entre las piernas y me duele la espalda"),
    ("infection", "emergency", "en", "had my knee replaced last week, now fever and my skin looks mottled and I "
                                    "haven't peed since yesterday"),
    ("infection", "emergency", "es", "tengo fiebre por una infeccion de orina y ahora estoy confundida y casi no "
                  "orino"),
    ("limbs_trauma", "emergency", "en", "my 82 year old mum fell in the kitchen, her hip hurts and she can't get up"),
    ("limbs_trauma", "emergency", "es", "mi abuela de 80 anos se cayo y le duele la cadera, no puede pararse"),
    ("limbs_trauma", "urgent", "es", "despues del gimnasio mi orina esta color coca y me duelen mucho los musculos"),
    ("children", "emergency", "en", "my 4 year old fell off the bunk bed and hit his head, he's thrown up twice"),
    ("children", "emergency", "es", "mi hijo de 5 anos se cayo y se pego en la cabeza, vomito y esta muy dormido"),
    ("children", "urgent", "en", "my 12 year old has been limping for 3 weeks and says his knee hurts, no injury"),
    ("pregnancy", "emergency", "en", "I'm about 7 weeks pregnant and the tip of my left shoulder aches when I lie "
                  "down"),
    ("pregnancy", "urgent", "en", "34 weeks pregnant, sudden bad headache and my vision is sparkly"),
    ("pregnancy", "urgent", "es", "estoy embarazada de 30 semanas y tengo un dolor de cabeza muy fuerte y veo "
                  "lucecitas"),
    ("mental_health", "emergency", "en", "been stockpiling my meds for weeks and I plan to swallow the lot tonight"),
    ("mental_health", "emergency", "es", "me tome toda la caja de pastillas para el dolor hace una hora pero me "
                      "siento bien"),
    ("mental_health", "urgent", "en", "sometimes I wish I could go to sleep and not wake up"),
    ("mental_health", "urgent", "es", "tengo 11 anos y mi padrastro me pega"),
    ("allergy", "emergency", "en", "got stung by a wasp and my lips and tongue are swelling up"),
    ("allergy", "emergency", "es", "me pico una abeja y se me esta hinchando la garganta"),
]


@pytest.mark.parametrize("family, level, lang, message", FAMILY_MESSAGES)
def test_chat_red_flag_answer_fits_family_and_language(client, family, level, lang, message):
    response = client.post("/api/chat", json={"message": message})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] == level
    assert body["triage"]["family"] == family
    assert body["triage"]["lang"] == lang
    assert body["results"] == []
    assert body["triage"]["title"] and body["triage"]["notice"]
    assert body["reply"].startswith(body["triage"]["message"].split("\n")[0])
    if level == "emergency":
        assert body["cta"]["url"].startswith("tel:")
        assert "911" in [n["phone"] for n in body["cta"]["numbers"]]
    spanish_words = ("Llame", "llame", "médico", "Cuéntale", "está", "Por favor")
    assert any(word in body["reply"] for word in spanish_words) == (lang == "es")


def test_chat_every_family_has_english_and_spanish_examples():
    covered = {(family, lang) for family, _, lang, _ in FAMILY_MESSAGES}
    assert covered == {(family, lang) for family in triage.FAMILIES for lang in ("en", "es")}


def test_chat_crisis_offers_line_as_call_and_text_in_caring_words(client):
    body = client.post("/api/chat", json={"message": "I have a plan to end my life this weekend"}).get_json()
    assert body["triage"]["kind"] == "crisis"
    assert body["triage"]["title"] == "Call or text 988 now"
    assert body["reply"].startswith("You're not alone.")
    first = body["cta"]["numbers"][0]
    assert first["url"] == "tel:988" and first["sms_url"] == "sms:988"
    assert [n["phone"] for n in body["cta"]["numbers"]] == ["988", "911"]
    assert body["triage"]["notice"].startswith("This is not a diagnosis")


def test_chat_crisis_in_spanish_keeps_configured_line(app, client):
    app.config.update(CRISIS_LINE="116 123", CRISIS_LINE_NAME="Samaritans", EMERGENCY_NUMBER="999")
    body = client.post("/api/chat", json={"message": "quiero matarme, ya no aguanto este dolor"}).get_json()
    assert body["triage"]["lang"] == "es"
    assert body["triage"]["title"] == "Llame o envíe un mensaje al 116 123 ahora"
    assert "No está solo ni sola" in body["reply"] and "Samaritans" in body["reply"] and "999" in body["reply"]
    assert "988" not in body["reply"] and "911" not in body["reply"]


def test_chat_overdose_is_an_emergency_even_when_feeling_fine_and_says_why(client):
    body = client.post("/api/chat", json={"message": "took about 30 tylenol last night after a fight, "
                                                     "honestly I feel fine now"}).get_json()
    assert body["triage"]["level"] == "emergency" and body["triage"]["kind"] == "overdose"
    assert "even if you feel fine" in body["reply"]
    assert "liver" in body["reply"] and "before you feel ill" in body["reply"]


def test_chat_staggered_paracetamol_is_an_emergency(client):
    body = client.post("/api/chat", json={"message": "been taking extra strength tylenol every 2 hours for my "
                                                     "sciatica since friday"}).get_json()
    assert body["triage"]["level"] == "emergency"
    assert body["triage"]["kind"] == "staggered_overdose"
    assert body["triage"]["title"] == "Go to the emergency department now"


def test_chat_abuse_gives_emergency_number_and_configured_abuse_line(app, client):
    app.config.update(DOMESTIC_ABUSE_LINE="0808 2000 247", DOMESTIC_ABUSE_LINE_NAME="Refuge helpline",
                      DOMESTIC_ABUSE_TEXT="")
    body = client.post("/api/chat", json={"message": "my boyfriend strangled me last night and I'm afraid "
                                                     "to go home"}).get_json()
    assert body["triage"]["level"] == "emergency" and body["triage"]["kind"] == "abuse"
    assert body["triage"]["title"] == "Call 911 if you are in danger now"
    assert "Refuge helpline" in body["reply"] and "0808 2000 247" in body["reply"]
    assert "text" not in body["triage"]["message"].split("\n")[0]  # no text line configured
    assert [n["phone"] for n in body["cta"]["numbers"]] == ["911", "0808 2000 247"]


def test_chat_child_disclosure_tells_a_trusted_adult(client):
    message = "im 13 and my mom's boyfriend hits me, he said not to tell"
    body = client.post("/api/chat", json={"message": message}).get_json()
    assert body["triage"]["kind"] == "child_abuse"
    assert body["triage"]["title"] == "Tell an adult you trust"
    assert "call 911" in body["reply"] and "1-800-422-4453" in body["reply"]
    assert body["cta"]["url"] == "tel:18004224453"


@pytest.mark.parametrize("message, lang", [
    # someone else reports a child hurt by an adult: the child-abuse line for the reporter, not the adult one
    ("the little girl next door told me her stepdad hits her with a belt", "en"),
    ("my nephew has marks on his arms and says his mom's boyfriend kicks him", "en"),
    ("el nino de mi vecina dice que su papa le pega con el cinturon", "es"),
    ("mi nieta me conto que su padrastro la golpea", "es"),
])
def test_chat_child_hurt_reported_by_someone_else_gets_the_child_abuse_line(client, message, lang):
    body = client.post("/api/chat", json={"message": message}).get_json()
    assert body["triage"]["level"] == "urgent" and body["triage"]["kind"] == "child_abuse_report"
    assert body["triage"]["lang"] == lang
    assert "1-800-422-4453" in body["reply"] and "911" in body["reply"]
    assert "1-800-799-7233" not in body["reply"]
    assert [n["id"] for n in body["cta"]["numbers"]] == ["emergency", "child_abuse"]


def test_compose_child_in_danger_now_reported_by_someone_else_calls_the_emergency_number():
    message = "my neighbours son is screaming, his dad is beating him right now"
    screened = triage.screen(message)
    answer = answers.compose(screened, message, {}, "en")
    assert screened.level == "emergency" and answer.kind == "child_abuse_report"
    assert answer.title == "Call 911 if the child is in danger now"
    assert answer.numbers[0]["url"] == "tel:911"


@pytest.mark.parametrize("message, kind", [
    # an adult victim, or children who only see it: the domestic-abuse answer; a child's own words: as before
    ("my friend says her boyfriend hits her in front of the kids", "abuse"),
    ("mi hermana dice que su esposo le pega delante de sus hijos", "abuse"),
    ("my sister's husband hits her and the kids saw everything", "abuse"),
    ("mi vecino le pega a su esposa y los ninos lo vieron todo", "abuse"),
    ("my dad hits me when he drinks", "child_abuse"),
    ("mi papa me pega cuando se enoja", "child_abuse"),
])
def test_compose_adult_victims_and_own_disclosures_keep_their_answer(message, kind):
    screened = triage.screen(message)
    assert answers.compose(screened, message, {}, spanish.detect(message)).kind == kind


@pytest.mark.parametrize("message, lang", [
    # an adult and a child both hurt: the child-abuse line for the child and the domestic-abuse line for the adult
    ("he hits my mum and my little brother", "en"),
    ("my friend's husband hits her and the kids", "en"),
    ("mi padrastro le pega a mi mama y a mi hermanito", "es"),
])
def test_compose_adult_and_child_victims_get_both_lines(message, lang):
    screened = triage.screen(message)
    answer = answers.compose(screened, message, {}, lang)
    assert answer.kind == "child_abuse_report"
    assert [n["id"] for n in answer.numbers] == ["emergency", "child_abuse", "domestic_abuse"]
    assert "1-800-422-4453" in answer.text and "1-800-799-7233" in answer.text


@pytest.mark.parametrize("message", [
    "el novio de mi mama le pega a mi hermanito",  # the mother is named as the abuser's partner, not as hurt
    "the little girl next door told me her stepdad hits her with a belt",
])
def test_compose_child_victim_alone_gets_no_domestic_abuse_line(message):
    screened = triage.screen(message)
    answer = answers.compose(screened, message, {}, spanish.detect(message))
    assert answer.kind == "child_abuse_report"
    assert "domestic_abuse" not in [n["id"] for n in answer.numbers]


def test_chat_pregnancy_sends_to_maternity_unit_and_ectopic_to_emergency(client):
    urgent = client.post("/api/chat", json={"message": "30 weeks pregnant and baby has been really quiet today, "
                                                       "fewer kicks than usual"}).get_json()
    assert urgent["triage"]["level"] == "urgent" and urgent["triage"]["title"] == "Call your maternity unit now"
    assert "labor and delivery" in urgent["reply"]
    ectopic = client.post("/api/chat", json={"message": "missed my period and now sharp pain low on the left side "
                                                        "of my belly, feel faint"}).get_json()
    assert ectopic["triage"]["level"] == "emergency" and "ectopic" in ectopic["reply"]


def test_chat_parent_is_addressed_about_their_child(client):
    body = client.post("/api/chat", json={"message": "my 6 year old daughter banged her head on the playground and "
                                                     "now she keeps vomiting and is very drowsy"}).get_json()
    assert body["triage"]["about_child"] is True
    assert body["triage"]["title"] == "Call 911 now for your child"
    assert "take your child" in body["reply"]


@pytest.mark.parametrize("message", [
    "so sore after leg day, DOMS is killing me, can barely walk down stairs",
    "chest hurts where I press on it after heavy bench press yesterday",
    "my hand went numb when I fell asleep on it, fine after a few minutes",
    "this commute is killing me, my neck is stiff from the laptop",
    "my toddler bumped her head on the table, small red mark, she cried for a minute and is playing again",
    "my 9 year old gets growing pains in both legs at night",
    "my 13 year old son has Osgood-Schlatter, the bump below his kneecap is sore after soccer",
    "my 11 year old daughter has heel pain after football, could it be Sever's?",
    "I'm 26 weeks pregnant and my lower back and pelvis ache by the evening",
    "pelvic girdle pain at 30 weeks, hurts to turn over in bed and on the stairs",
    "38 weeks and getting Braxton Hicks, irregular and painless",
    "both ankles a bit puffy after a long flight, no pain",
    "I had a DVT last year, fully treated, when can I start running again?",
    "had breast cancer 12 years ago, now tennis elbow from padel",
    "sore bum from the bike saddle after a long ride",
    "me duelen las piernas despues de correr, agujetas",
    "estoy embarazada de 25 semanas y me duele la espalda baja",
])
def test_chat_look_alikes_stay_routine(client, message):
    response = client.post("/api/chat", json={"message": message})
    assert response.status_code == 200
    body = response.get_json()
    assert body["triage"]["level"] in ("routine", "none"), body["triage"]["rule_ids"]


def test_compose_learned_only_flag_is_cautious_in_both_languages():
    flagged = SimpleNamespace(level="urgent", rule_ids=[], is_red_flag=True, source="learned", learned_score=0.93)
    english = answers.compose(flagged, "something is off with my leg", {"emergency_number": "112"}, "en")
    assert english.kind == "learned"
    assert english.instruction.startswith("Please get this checked by a doctor today")
    assert "112" in english.instruction and "988" in english.instruction
    spanish = answers.compose(flagged, "algo raro en la pierna", {"emergency_number": "112"}, "es")
    assert spanish.instruction.startswith("Por favor, hágase revisar por un médico hoy")
    assert "112" in spanish.instruction


@pytest.mark.parametrize("text, lang", [
    ("me duele mucho el pecho y no puedo respirar", "es"),
    ("tengo back pain y no puedo caminar", "es"),
    ("mi hija se cayo", "es"),
    ("my back hurts when I bend", "en"),
    ("no pain today", "en"),
    ("", "en"),
])
def test_red_flag_messages_are_read_as_their_language(text, lang):
    """The one detector (index/spanish.py) decides the red-flag answer's language too."""
    assert spanish.detect(text) == lang


def test_answers_file_has_every_shape_in_both_languages():
    data = answers.load()
    for kind in (*triage.ANSWERS, *answers.DERIVED_KINDS):
        for lang in answers.LANGUAGES:
            assert data["answer"][kind][lang]["title"]
            assert data["answer"][kind][lang]["instruction"]
    for rule in triage.load_rules():
        assert rule.message_es or rule.category in data["reason_es"], rule.id


@pytest.mark.parametrize("family, level, kind", [
    ("mental_health", "urgent", "crisis"),
    ("mental_health", "emergency", "crisis"),
    ("heart_vessels", "emergency", "emergency"),
    ("pregnancy", "urgent", "maternity"),
    ("spine", "urgent", "learned"),
])
def test_compose_learned_only_flag_answers_for_its_family_and_level(family, level, kind):
    flagged = SimpleNamespace(level=level, rule_ids=[], is_red_flag=True, source="learned", learned_score=0.97,
                              family=family)
    answer = answers.compose(flagged, "something is wrong", {"emergency_number": "112"}, "en")
    assert answer.kind == kind
    if level == "emergency":
        assert "emergency" in [n["id"] for n in answer.numbers]
        assert "112" in [n["phone"] for n in answer.numbers]


def test_desk_reads_the_child_abuse_report_script_in_the_callers_language():
    numbers = dict(triage.DEFAULT_NUMBERS)
    for lang, words in (("en", "speaking up for this child"), ("es", "hablar por este niño")):
        lines = answers.phone_script({"level": "urgent", "kind": "child_abuse_report", "lang": lang,
                                      "message": "x"}, numbers)
        assert words in lines[2] and numbers["child_abuse_line"] in lines[2]
