"""robots.txt parsing and matching as specified by RFC 9309.

The standard library's robotparser applies the first matching rule and knows no wildcards;
RFC 9309 wants the longest match (Allow wins ties) with `*` and `$`, which is what sites expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 2.5: parse at least the first 500 KiB


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str
    regex: re.Pattern[str]

    @classmethod
    def make(cls, allow: bool, pattern: str) -> Rule:
        anchored = pattern.endswith("$")
        body = pattern[:-1] if anchored else pattern
        regex = ".*".join(re.escape(piece) for piece in body.split("*")) + (r"\Z" if anchored else "")
        return cls(allow, pattern, re.compile(regex))


@dataclass
class Group:
    agents: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None


@dataclass(frozen=True)
class RobotsRules:
    groups: tuple[Group, ...] = ()
    allow_all: bool = False
    disallow_all: bool = False

    @classmethod
    def allowing_all(cls) -> RobotsRules:
        return cls(allow_all=True)

    @classmethod
    def disallowing_all(cls) -> RobotsRules:
        return cls(disallow_all=True)

    def _groups_for(self, user_agent: str) -> list[Group]:
        token = product_token(user_agent).lower()
        named = [g for g in self.groups if any(a != "*" and a == token for a in g.agents)]
        return named or [g for g in self.groups if "*" in g.agents]

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.allow_all:
            return True
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if path == "/robots.txt":
            return True
        if self.disallow_all:
            return False
        best: Rule | None = None
        for group in self._groups_for(user_agent):
            for rule in group.rules:
                if rule.regex.match(path) and (
                    best is None
                    or len(rule.pattern) > len(best.pattern)
                    or (len(rule.pattern) == len(best.pattern) and rule.allow and not best.allow)
                ):
                    best = rule
        return best is None or best.allow

    def crawl_delay(self, user_agent: str) -> float | None:
        delays = [g.crawl_delay for g in self._groups_for(user_agent) if g.crawl_delay is not None]
        return max(delays) if delays else None


def product_token(user_agent: str) -> str:
    """'NewsEventsBot/0.1 (+https://...)' -> 'NewsEventsBot'."""
    return re.split(r"[/\s]", user_agent.strip(), maxsplit=1)[0]


def parse_robots(text: str) -> RobotsRules:
    groups: list[Group] = []
    current: Group | None = None
    in_agent_block = False  # consecutive user-agent lines share one group
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if current is None or not in_agent_block:
                current = Group()
                groups.append(current)
            current.agents.append(value.lower())
            in_agent_block = True
            continue
        in_agent_block = False
        if current is None:
            continue  # rules before any user-agent line belong to no group
        if key in ("allow", "disallow") and value:
            current.rules.append(Rule.make(key == "allow", value))
        elif key == "crawl-delay":
            try:
                current.crawl_delay = float(value)
            except ValueError:
                pass
    return RobotsRules(groups=tuple(groups))
