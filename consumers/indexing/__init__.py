"""Indexing into Elasticsearch: pure message -> document mapping and bulk-result handling."""
