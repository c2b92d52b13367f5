"""Shared plumbing: configuration, Kafka and Elasticsearch clients, logging, bootstrap."""
