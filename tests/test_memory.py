"""bot/memory.py: which messages refer back to the complaint on record, and what the topic becomes."""

from __future__ import annotations

import pytest

from bot import memory
from index import analysis

ELBOW = "pain on the inside of my elbow when I grip things"


def topic_of(message: str) -> memory.Topic:
    """The topic a first message sets."""
    concepts = analysis.concepts(message)
    return memory.next_topic(None, memory.classify(None, message, concepts), message, concepts, {}, True, message)


def test_first_complaint_sets_the_topic_with_its_region():
    topic = topic_of(ELBOW)
    assert topic is not None and topic.complaint == ELBOW
    assert topic.region == "elbow"


@pytest.mark.parametrize("message", [
    "what exercises can I do for it?",
    "how long will it take to heal?",
    "is it serious?",
    "and if I keep running?",
    "it hurts",
    "should I stop lifting weights then",
    "¿es grave?",
])
def test_referring_messages_are_follow_ups(message):
    assert memory.classify(topic_of(ELBOW), message, analysis.concepts(message)) == memory.FOLLOW_UP


@pytest.mark.parametrize("message", ["thanks", "hi", "how do I book an appointment?"])
def test_small_talk_and_logistics_leave_the_topic_alone(message):
    topic = topic_of(ELBOW)
    reading = memory.classify(topic, message, analysis.concepts(message))
    assert reading == memory.STANDALONE
    assert memory.next_topic(topic, reading, message, analysis.concepts(message), {}, True, message) == topic


def test_another_region_is_a_new_topic():
    topic = topic_of(ELBOW)
    message = "my knee aches going down stairs"
    concepts = analysis.concepts(message)
    reading = memory.classify(topic, message, concepts)
    assert reading == memory.NEW_TOPIC
    after = memory.next_topic(topic, reading, message, concepts, {}, True, message)
    assert after.complaint == message and after.region == "knee"


def test_same_region_again_adds_detail_without_changing_topic():
    topic = topic_of("my elbow hurts")
    message = "it's the inside of the elbow, worse when gripping"
    concepts = analysis.concepts(message)
    reading = memory.classify(topic, message, concepts)
    assert reading == memory.FOLLOW_UP
    after = memory.next_topic(topic, reading, message, concepts, {}, True, message)
    assert after.region == "elbow" and message in after.complaint and "my elbow hurts" in after.complaint


def test_referring_follow_up_does_not_grow_the_complaint():
    topic = topic_of(ELBOW)
    message = "what exercises can I do for it?"
    after = memory.next_topic(topic, memory.FOLLOW_UP, message, analysis.concepts(message), {}, True, message)
    assert after.complaint == ELBOW


def test_without_kept_text_the_topic_is_its_concepts():
    concepts = analysis.concepts(ELBOW)
    topic = memory.next_topic(None, memory.NEW_TOPIC, ELBOW, concepts, {}, False, ELBOW)
    assert topic.complaint is None
    assert topic.concepts and "elbow" in topic.query().lower()


def test_no_topic_means_no_follow_up():
    assert memory.classify(None, "is it serious?", []) == memory.STANDALONE
