"""Where exports go and how a day's files replace the previous ones.

The target is a local folder (default var/exports/) or any URL fsspec understands (s3://,
gs://, abfs://, memory://, ...), NEWS_EXPORT_URL; inside Airflow an ObjectStoragePath's
filesystem can be passed in instead. A partition is one folder per event day:

    <target>/date=YYYY-MM-DD/events.parquet  events.tsv.gz  mentions.parquet  mentions.tsv.gz
                             stories.parquet stories.tsv.gz  gdelt.export.tsv.gz  manifest.json

Replacing a day is atomic per file and the manifest is written last: every file is first
written completely under a hidden temporary name in the same folder, then moved over the old
one (os.replace locally; a server-side copy on object stores), so a reader never sees a partial
file. Files of the previous export that the new one does not produce are removed after the
manifest. Tables are written batch by batch while the next pages are read.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import uuid
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
GZIP_LEVEL = 3


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

    def stage(self, day: date) -> Staging:
        """A new version of a day's partition, written file by file, published by `commit`."""
        folder = self.partition(day)
        self.fs.makedirs(folder, exist_ok=True)
        return Staging(self, folder)


class Staging:
    """Files of one partition being written. Local files go to hidden temporary names and are renamed
    over the old ones on commit (each rename is atomic); on object stores each object appears whole
    when its upload completes. The manifest goes last, then files the new version no longer has are
    removed. `abort` (or an exception inside `with`) leaves the previous version untouched."""

    def __init__(self, target: Target, folder: str) -> None:
        self.target, self.folder = target, folder
        self.token = uuid.uuid4().hex[:12]
        self.files: dict[str, tuple[str, Any]] = {}  # name -> (path written, open stream)
        self.sinks: list[TableSink] = []

    def open(self, name: str) -> Any:
        path = f"{self.folder}/.{name}.{self.token}.tmp"
        if self.target.local:
            stream: Any = pa.OSFile(path, "wb")
        else:
            stream = pa.PythonFile(self.target.fs.open(path, "wb"), mode="w")
        self.files[name] = (path, stream)
        return stream

    def _publish(self, name: str) -> None:
        path, stream = self.files[name]
        if not stream.closed:
            stream.close()
        final = f"{self.folder}/{name}"
        if self.target.local:
            os.replace(path, final)
        else:
            self.target.fs.mv(path, final)  # object stores: a server-side copy, whole or not at all

    def commit(self, manifest: dict[str, Any]) -> None:
        for _path, stream in self.files.values():
            if not stream.closed:
                stream.close()
        for name in list(self.files):
            self._publish(name)
        out = self.open(MANIFEST)
        out.write(json.dumps(manifest, indent=2, sort_keys=True).encode())
        self._publish(MANIFEST)
        keep = set(self.files)
        for path in self.target.fs.ls(self.folder, detail=False):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if name not in keep:
                self.target.fs.rm(path)

    def abort(self) -> None:
        for sink in self.sinks:  # finish the writers first, so none writes into a closed stream later
            with contextlib.suppress(Exception):
                sink.close()
        for path, stream in self.files.values():
            with contextlib.suppress(Exception):
                stream.close()
            with contextlib.suppress(FileNotFoundError):
                self.target.fs.rm(path)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            self.abort()


class TableSink:
    """Record batches of one table into a Parquet file and/or a gzipped TSV file, as they come."""

    def __init__(self, staging: Staging, name: str, schema: pa.Schema, parquet: bool, tsv: bool,
                 header: bool = True, quoting: str = "needed", tsv_name: str | None = None) -> None:
        self.rows = 0
        self.files: list[str] = []
        self._parquet = self._gz = self._csv = None
        self._closed = False
        staging.sinks.append(self)
        if parquet:
            self._parquet = pq.ParquetWriter(staging.open(f"{name}.parquet"), schema, compression=PARQUET_COMPRESSION)
            self.files.append(f"{name}.parquet")
        if tsv:
            tsv_file = tsv_name or f"{name}.tsv.gz"
            # zlib level 3: twice as fast as Arrow's gzip default for ~25 % more bytes; mtime 0: no timestamp inside
            self._gz = gzip.GzipFile(fileobj=staging.open(tsv_file), mode="wb", compresslevel=GZIP_LEVEL, mtime=0)
            options = pacsv.WriteOptions(include_header=header, delimiter="\t", quoting_style=quoting)
            self._csv = pacsv.CSVWriter(self._gz, schema, write_options=options)
            self.files.append(tsv_file)

    def write(self, table: pa.Table) -> None:
        self.rows += table.num_rows
        if self._parquet is not None:
            self._parquet.write_table(table)
        if self._csv is not None:
            self._csv.write_table(clean_strings(table))

    def write_all(self, table: pa.Table) -> None:
        self.write(table)
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._parquet is not None:
            self._parquet.close()
        if self._csv is not None:
            self._csv.close()
            self._gz.close()  # type: ignore[union-attr]


def clean_strings(table: pa.Table, pattern: str = r"[\t\r\n]") -> pa.Table:
    """No tabs or line breaks inside values: one record per line for awk, spreadsheets and GDELT tools."""
    for k, field in enumerate(table.schema):
        if pa.types.is_string(field.type) and pc.any(pc.match_substring_regex(table.column(k), pattern)).as_py():
            table = table.set_column(k, field, pc.replace_substring_regex(table.column(k), pattern, " "))
    return table
