"""Chipgraph: a knowledge graph of AI chips and the politics around them, from Korean news."""

__version__ = "0.1.0"
