"""The SPARQL layer: the Oxigraph engine and its cache, query text and results, the endpoint, remote stores."""
