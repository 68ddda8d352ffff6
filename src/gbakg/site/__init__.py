"""The static linked-data site: a page per entity and per source, the ontology and the dataset."""
