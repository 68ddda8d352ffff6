"""The network layer: NetworkX projections of the RDF graph and the analyses on them."""
