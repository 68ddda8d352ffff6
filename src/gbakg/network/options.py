"""The analyses' choices and defaults, in a module light enough for the CLI to import at start-up.

The CLI offers exactly these (``--measure``, ``--by``, ``--method``, ``--projection``…), so the
library and the command line cannot drift apart.
"""

from __future__ import annotations

MEASURES = ("degree", "betweenness", "closeness", "eigenvector", "pagerank", "effective_size", "constraint")
EXACT_THRESHOLD = 2000  # above this many nodes, betweenness and closeness are sampled
SAMPLE_PIVOTS = 256
LINK_SCORES = ("adamic_adar", "jaccard", "resource_allocation")
COMMUNITY_METHODS = ("louvain", "greedy")
SEED = 42  # the default seed of sampling and Louvain: the same seed gives the same answer
# The projections, by the name the CLI and the RDF output use.
PROJECTIONS = {"collab": "collaboration graph", "place": "place graph", "full": "full graph"}
