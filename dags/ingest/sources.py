"""The sources config: which feeds, sitemaps and section pages to scrape, and how politely.

One YAML file, `dags/sources.yaml` by default, or the path in NEWS_SOURCES_FILE. Strings may
use ${VAR} or ${VAR:-default} to read the environment (the demo source uses
${NEWS_DEMO_SITE_URL:-http://127.0.0.1:8765}). The file is validated when loaded; errors
name the file, the source and the field. See dags/sources.yaml for a commented example.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_SOURCES_FILE = Path(__file__).resolve().parent.parent / "sources.yaml"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")

SourceKind = Literal["rss", "atom", "sitemap", "html", "robots"]


class SourcesConfigError(ValueError):
    """The sources config cannot be used; the message says where and why."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RateLimit(_Strict):
    """Either `requests_per_second` or `min_delay_seconds` between two requests to the source."""

    requests_per_second: Annotated[float, Field(gt=0)] | None = None
    min_delay_seconds: Annotated[float, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> RateLimit:
        if self.requests_per_second is not None and self.min_delay_seconds is not None:
            raise ValueError("give requests_per_second or min_delay_seconds, not both")
        return self

    @property
    def delay_seconds(self) -> float:
        if self.min_delay_seconds is not None:
            return self.min_delay_seconds
        return 1.0 / (self.requests_per_second or 1.0)


class Source(_Strict):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
    url: str
    kind: SourceKind
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")] | None = None
    tags: list[str] = Field(default_factory=list)
    rate_limit: RateLimit = Field(default_factory=RateLimit)
    enabled: bool = True
    local: bool = Field(False, description="allow this source's own origin to be a loopback/private address")
    link_pattern: str | None = Field(None, description="html sources: regex an article link (absolute URL) must match")
    max_items: Annotated[int, Field(ge=1)] | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an absolute http(s) URL, got {value!r}")
        return value

    @field_validator("link_pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _pattern_for_html(self) -> Source:
        if self.kind == "html" and not self.link_pattern:
            raise ValueError("html sources need link_pattern, a regex matching article URLs on the section page")
        return self

    @property
    def min_delay_seconds(self) -> float:
        return self.rate_limit.delay_seconds

    @property
    def message_kind(self) -> Literal["rss", "sitemap", "html"]:
        """The articles.raw `source_kind`: RSS and Atom are both feeds; robots.txt leads to sitemaps."""
        if self.kind in ("rss", "atom"):
            return "rss"
        return "sitemap" if self.kind == "robots" else self.kind  # type: ignore[return-value]


class HttpSettings(_Strict):
    user_agent: str = "NewsEventsBot/0.1 (+https://github.com/newsevents/newsevents; news event research crawler)"
    connect_timeout: Annotated[float, Field(gt=0)] = 5.0
    read_timeout: Annotated[float, Field(gt=0)] = 15.0
    total_timeout: Annotated[float, Field(gt=0)] = 45.0
    max_bytes: Annotated[int, Field(gt=0)] = 5 * 1024 * 1024
    max_redirects: Annotated[int, Field(ge=0)] = 5
    retries: Annotated[int, Field(ge=0)] = 2
    backoff_seconds: Annotated[float, Field(ge=0)] = 1.0
    max_backoff_seconds: Annotated[float, Field(ge=0)] = 20.0
    max_retry_after: Annotated[float, Field(ge=0)] = 60.0
    max_crawl_delay: Annotated[float, Field(ge=0)] = 30.0
    slow_url_skip_minutes: Annotated[float, Field(ge=0)] = 60.0  # a URL past total_timeout is skipped this long


class DedupSettings(_Strict):
    near_duplicate_threshold: Annotated[float, Field(gt=0, le=1)] = 0.6
    num_perm: Annotated[int, Field(ge=16, le=1024)] = 128
    shingle_words: Annotated[int, Field(ge=1, le=20)] = 5
    window_days: Annotated[float, Field(gt=0)] = 7.0


class IngestSettings(_Strict):
    max_items_per_source: Annotated[int, Field(ge=1)] = 100
    min_text_chars: Annotated[int, Field(ge=1)] = 200
    min_summary_chars: Annotated[int, Field(ge=1)] = 80
    batch_size: Annotated[int, Field(ge=1)] = 25
    max_message_bytes: Annotated[int, Field(ge=10_000)] = 900_000  # under Kafka's default 1 MiB message limit
    claim_lease_minutes: Annotated[float, Field(gt=0)] = 30.0
    failure_retry_hours: Annotated[float, Field(ge=0)] = 24.0
    max_extract_seconds: Annotated[float, Field(gt=0)] = 20.0  # per page, in the DAG and the extraction CLI
    coder_languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default_factory=lambda: ["en"])


class SourcesConfig(_Strict):
    http: HttpSettings = Field(default_factory=HttpSettings)
    dedup: DedupSettings = Field(default_factory=DedupSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    sources: list[Source]

    @model_validator(mode="after")
    def _unique_names(self) -> SourcesConfig:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dupes)}")
        return self

    def enabled_sources(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def get(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(f"no source named {name!r}; configured: {', '.join(s.name for s in self.sources)}")

    def max_items(self, source: Source) -> int:
        return source.max_items or self.ingest.max_items_per_source


def sources_file() -> Path:
    return Path(os.environ.get("NEWS_SOURCES_FILE") or DEFAULT_SOURCES_FILE)


def _expand_env(value: Any) -> Any:
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            resolved = os.environ.get(name) or default
            if resolved is None:
                raise SourcesConfigError(
                    f"${{{name}}} is used in the sources config but not set; set it or write ${{{name}:-default}}"
                )
            return resolved

        return _ENV_REF.sub(sub, value)
    if isinstance(value, list):
        return [_expand_env(v) for v in value]
    if isinstance(value, dict):
        return {k: _expand_env(v) for k, v in value.items()}
    return value


def _format_errors(exc: ValidationError, raw: dict[str, Any]) -> str:
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc) or "<root>"
        if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
            try:
                where = f"sources[{loc[1]}] ({raw['sources'][loc[1]].get('name', '?')})" + "".join(
                    f".{p}" for p in loc[2:]
                )
            except (KeyError, IndexError, AttributeError, TypeError):
                pass
        lines.append(f"  {where}: {err['msg']}")
    return "\n".join(lines)


def parse_config(data: Any, origin: str = "<sources config>") -> SourcesConfig:
    if not isinstance(data, dict) or "sources" not in data:
        raise SourcesConfigError(f"{origin}: expected a mapping with a 'sources' list")
    expanded = _expand_env(data)
    try:
        return SourcesConfig.model_validate(expanded)
    except ValidationError as exc:
        raise SourcesConfigError(f"{origin} is invalid:\n{_format_errors(exc, expanded)}") from None


def load_config(path: str | os.PathLike[str] | None = None) -> SourcesConfig:
    """Read and validate the sources config (NEWS_SOURCES_FILE, else dags/sources.yaml)."""
    file = Path(path) if path else sources_file()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesConfigError(f"cannot read sources config {file}: {exc.strerror}; set NEWS_SOURCES_FILE") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesConfigError(f"{file} is not valid YAML: {exc}") from exc
    return parse_config(data, str(file))
