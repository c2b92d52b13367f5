from dags.ingest.robots import RobotsRules, parse_robots, product_token

UA = "NewsEventsBot/0.1 (+https://example.org/bot)"

ROBOTS = """
# comment
User-agent: *
Disallow: /private/
Allow: /private/press/
Disallow: /*.pdf$
Disallow: /search
Crawl-delay: 2

User-agent: NewsEventsBot
User-agent: OtherBot
Disallow: /drafts/
Allow: /drafts/public
Crawl-delay: 5

User-agent: BadBot
Disallow: /
"""


def test_product_token() -> None:
    assert product_token(UA) == "NewsEventsBot"


def test_named_group_replaces_the_star_group() -> None:
    rules = parse_robots(ROBOTS)
    assert not rules.allowed("https://x.test/drafts/a.html", UA)
    assert rules.allowed("https://x.test/drafts/public/a.html", UA)  # longer Allow wins
    assert rules.allowed("https://x.test/private/a.html", UA)  # '*' rules do not apply to a named agent
    assert rules.crawl_delay(UA) == 5


def test_star_group_longest_match_and_wildcards() -> None:
    rules = parse_robots(ROBOTS)
    ua = "SomeCrawler/1.0"
    assert not rules.allowed("https://x.test/private/a.html", ua)
    assert rules.allowed("https://x.test/private/press/release.html", ua)
    assert not rules.allowed("https://x.test/files/report.pdf", ua)
    assert rules.allowed("https://x.test/files/report.pdf.html", ua)  # '$' anchors the end
    assert not rules.allowed("https://x.test/search?q=x", ua)
    assert rules.allowed("https://x.test/world/story.html", ua)
    assert rules.crawl_delay(ua) == 2


def test_disallow_all_agent_but_robots_txt_itself() -> None:
    rules = parse_robots(ROBOTS)
    assert not rules.allowed("https://x.test/anything", "BadBot/2.0")
    assert rules.allowed("https://x.test/robots.txt", "BadBot/2.0")


def test_allow_wins_a_tie() -> None:
    rules = parse_robots("User-agent: *\nDisallow: /page\nAllow: /page\n")
    assert rules.allowed("https://x.test/page", UA)


def test_empty_disallow_and_empty_file_allow_everything() -> None:
    assert parse_robots("User-agent: *\nDisallow:\n").allowed("https://x.test/a", UA)
    assert parse_robots("").allowed("https://x.test/a", UA)


def test_unavailable_robots_means_disallow_all() -> None:
    assert not RobotsRules.disallowing_all().allowed("https://x.test/a", UA)
    assert RobotsRules.allowing_all().allowed("https://x.test/a", UA)
