"""The explorer: one offline HTML page drawing a NetworkX projection with vis-network."""
