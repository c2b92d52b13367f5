"""Alerting on coded events: YAML rules, a pure matcher, suppression of repeats, webhooks."""
