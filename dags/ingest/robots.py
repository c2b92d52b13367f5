"""robots.txt (RFC 9309) through Protego: longest match with `*` and `$`, Allow wins ties,
percent-encoding normalised on both sides (`/%7Ejoe/` is `/~joe/`), Crawl-delay, Request-rate
and the `Sitemap:` lines used for discovery.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from protego import Protego

MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 2.5: parse at least the first 500 KiB


@dataclass(frozen=True)
class RobotsRules:
    parser: Protego | None = None
    allow_all: bool = False
    disallow_all: bool = False
    base_url: str | None = field(default=None, compare=False)

    @classmethod
    def allowing_all(cls) -> RobotsRules:
        return cls(allow_all=True)

    @classmethod
    def disallowing_all(cls) -> RobotsRules:
        return cls(disallow_all=True)

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.allow_all:
            return True
        if urlsplit(url).path == "/robots.txt":
            return True
        if self.disallow_all or self.parser is None:
            return not self.disallow_all
        return self.parser.can_fetch(url, product_token(user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        """Seconds between requests the site asks for: Crawl-delay, or Request-rate converted."""
        if self.parser is None:
            return None
        token = product_token(user_agent)
        delays = []
        delay = self.parser.crawl_delay(token)
        if delay is not None:
            delays.append(float(delay))
        rate = self.parser.request_rate(token)
        if rate is not None and rate.requests:
            delays.append(rate.seconds / rate.requests)
        return max(delays) if delays else None

    def sitemaps(self) -> list[str]:
        """Absolute URLs of the `Sitemap:` lines (relative ones resolved against the robots.txt URL)."""
        if self.parser is None:
            return []
        found = (urljoin(self.base_url or "", s.strip()) for s in self.parser.sitemaps)
        return list(dict.fromkeys(u for u in found if urlsplit(u).scheme in ("http", "https")))


def product_token(user_agent: str) -> str:
    """'NewsEventsBot/0.1 (+https://...)' -> 'NewsEventsBot'."""
    return re.split(r"[/\s]", user_agent.strip(), maxsplit=1)[0]


def parse_robots(text: str, base_url: str | None = None) -> RobotsRules:
    return RobotsRules(parser=Protego.parse(text), base_url=base_url)
