"""Stories: one real-world event across many articles (grouping, state, the stories consumer)."""
