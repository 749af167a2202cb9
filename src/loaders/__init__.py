"""Per-request DataLoaders: one batched, viewer-scoped SELECT per relation."""

from loaders.registry import Loaders

__all__ = ["Loaders"]
