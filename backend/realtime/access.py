"""Who may follow which topic.

Rules by principal: HQ staff (``hq_admin``, or staff whose scope is every store) follow anything;
other staff follow ``store:{id}:*`` of their stores; a store device follows its own store's topics;
a member follows ``member:{their id}``. ``order:{id}`` belongs to the orders domain, which registers
a checker with :func:`register_topic_checker`; until one is registered only HQ may follow it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.principal import Principal
from backend.realtime.errors import InvalidTopic, TooManyTopics, TopicForbidden

MAX_TOPICS = 200
_TOPIC = re.compile(
    r"^(?:hq|(?P<kind>store|order|member):(?P<id>[1-9][0-9]{0,17})(?::(?P<sub>[a-z][a-z_]{0,29}))?)$"
)

# A checker answers whether ``principal`` may follow ``<kind>:<entity_id>``; it may query the database.
TopicChecker = Callable[[AsyncSession, Principal, int], Awaitable[bool]]
_checkers: dict[str, TopicChecker] = {}


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    kind: str  # "hq", "store", "order", "member"
    entity_id: int | None = None


def parse_topic(name: str) -> Topic:
    match = _TOPIC.match(name)
    if match is None:
        raise InvalidTopic(detail={"topic": name[:120]})
    kind = match["kind"]
    if kind is None:
        return Topic(name, "hq")
    if (kind == "store") != (match["sub"] is not None):
        raise InvalidTopic(detail={"topic": name})
    return Topic(name, kind, int(match["id"]))


def parse_topics(names: Iterable[str]) -> list[Topic]:
    unique = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not unique:
        raise InvalidTopic("Name at least one topic.")
    if len(unique) > MAX_TOPICS:
        raise TooManyTopics(detail={"max": MAX_TOPICS})
    return [parse_topic(n) for n in unique]


def register_topic_checker(kind: str, checker: TopicChecker) -> TopicChecker | None:
    """Let a domain decide who may follow ``<kind>:{id}`` topics (the orders domain registers ``order``).

    Returns the checker it replaces, if any."""
    previous = _checkers.get(kind)
    _checkers[kind] = checker
    return previous


def unregister_topic_checker(kind: str) -> None:
    _checkers.pop(kind, None)


def sees_everything(principal: Principal) -> bool:
    return principal.is_staff and (principal.is_hq or principal.store_ids is None)


async def may_follow(session: AsyncSession, principal: Principal, topic: Topic) -> bool:
    if sees_everything(principal):
        return True
    if topic.kind == "store":
        assert topic.entity_id is not None
        return (principal.is_staff or principal.is_device) and principal.can_act_for(topic.entity_id)
    if topic.kind == "member":
        return principal.is_member and principal.id == topic.entity_id
    checker = _checkers.get(topic.kind)
    if checker is None or topic.entity_id is None:
        return False
    return await checker(session, principal, topic.entity_id)


async def authorize(session: AsyncSession, principal: Principal, names: Iterable[str]) -> list[str]:
    """Parse and check topics; raise TopicForbidden naming every topic the principal may not follow."""
    topics = parse_topics(names)
    denied = [t.name for t in topics if not await may_follow(session, principal, t)]
    if denied:
        raise TopicForbidden(detail={"topics": denied})
    return [t.name for t in topics]
