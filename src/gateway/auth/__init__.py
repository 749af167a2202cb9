"""Authentication (who asks) and access (what they may see)."""
