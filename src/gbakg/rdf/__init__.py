"""The RDF layer: loading, evidence, the model rules and validation, time, names, facts tables."""
