"""Where exports go and how a day's files replace the previous ones.

The target is a local folder (default var/exports/) or any URL fsspec understands (s3://,
gs://, abfs://, memory://, ...), NEWS_EXPORT_URL; inside Airflow an ObjectStoragePath's
filesystem can be passed in instead. A partition is one folder per event day:

    <target>/date=YYYY-MM-DD/events.parquet  events.tsv.gz  mentions.parquet  mentions.tsv.gz
                             stories.parquet stories.tsv.gz  gdelt.export.tsv.gz  manifest.json

Replacing a day is atomic per file and the manifest is written last: every file is first
written completely (locally under a hidden temporary name in the same folder, then renamed
over the old one with os.replace; on object stores an object only appears once its upload has
completed), so a reader never sees a partial file. Files of the previous export that the new
one does not produce are removed after the manifest.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from common.config import load_settings

MANIFEST = "manifest.json"
PARQUET_COMPRESSION = "zstd"


def default_url() -> str:
    return os.environ.get("NEWS_EXPORT_URL") or str(load_settings().var_dir / "exports")


class Target:
    """A filesystem and a root path in it; local paths get the fast native writers."""

    def __init__(self, url: str | None = None, fs: fsspec.AbstractFileSystem | None = None, root: str | None = None) -> None:
        if fs is not None:
            self.fs, self.root = fs, (root or "").rstrip("/")
        else:
            url = url or default_url()
            self.fs, self.root = fsspec.core.url_to_fs(url)
            self.root = self.root.rstrip("/")
        self.local = "file" in (self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,))
        self.url = url or f"{self.fs.protocol}://{self.root}"

    def partition(self, day: date) -> str:
        return f"{self.root}/date={day.isoformat()}"

    def read_manifest(self, day: date) -> dict[str, Any] | None:
        path = f"{self.partition(day)}/{MANIFEST}"
        if not self.fs.exists(path):
            return None
        with self.fs.open(path, "rb") as fh:
            return json.loads(fh.read())

    def replace_partition(self, day: date, writers: dict[str, Callable[[Any], None]], manifest: dict[str, Any]) -> None:
        """Write every file with its writer (called with a pyarrow output stream), then the manifest;
        finally drop files of an earlier export that this one no longer writes."""
        folder = self.partition(day)
        self.fs.makedirs(folder, exist_ok=True)
        token = uuid.uuid4().hex[:12]
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:  # Arrow's writers release the GIL
                staged = list(pool.map(lambda item: self._write(folder, item[0], item[1], token), writers.items()))
        except BaseException:
            for path in self.fs.ls(folder, detail=False):
                if path.endswith(f".{token}.tmp"):
                    self.fs.rm(path)
            raise
        try:
            for tmp, final in staged:
                if tmp != final:
                    os.replace(tmp, final)
        except BaseException:
            for tmp, final in staged:
                if tmp != final and os.path.exists(tmp):
                    os.remove(tmp)
            raise
        body = json.dumps(manifest, indent=2, sort_keys=True).encode()
        self._write(folder, MANIFEST, lambda out: out.write(body), token, commit=True)
        keep = set(writers) | {MANIFEST}
        for path in self.fs.ls(folder, detail=False):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if name not in keep:
                self.fs.rm(path)

    def _write(self, folder: str, name: str, writer: Callable[[Any], None], token: str, commit: bool = False) -> tuple[str, str]:
        final = f"{folder}/{name}"
        if self.local:
            tmp = f"{folder}/.{name}.{token}.tmp"
            try:
                with pa.OSFile(tmp, "wb") as out:
                    writer(out)
            except BaseException:
                if os.path.exists(tmp):
                    os.remove(tmp)
                raise
            if commit:
                os.replace(tmp, final)
                return final, final
            return tmp, final
        with self.fs.open(final, "wb") as fh:
            writer(pa.PythonFile(fh, mode="w"))
        return final, final


def parquet_writer(table: pa.Table) -> Callable[[Any], None]:
    return lambda out: pq.write_table(table, out, compression=PARQUET_COMPRESSION)


def _clean_strings(table: pa.Table, pattern: str = r"[\t\r\n]") -> pa.Table:
    """No tabs or line breaks inside values: one record per line for awk, spreadsheets and GDELT tools."""
    for k, field in enumerate(table.schema):
        if pa.types.is_string(field.type):
            table = table.set_column(k, field, pc.replace_substring_regex(table.column(k), pattern, " "))
    return table


def tsv_writer(table: pa.Table, header: bool = True, quoting: str = "needed") -> Callable[[Any], None]:
    """Gzipped TSV: header row, null as an empty field, strings quoted as RFC 4180 does (with tabs)."""
    clean = _clean_strings(table)
    options = pacsv.WriteOptions(include_header=header, delimiter="\t", quoting_style=quoting)

    def write(out: Any) -> None:
        with pa.CompressedOutputStream(out, "gzip") as gz:
            pacsv.write_csv(clean, gz, options)

    return write

