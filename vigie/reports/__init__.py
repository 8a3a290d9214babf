"""Reports for people, in French: per-establishment feedback (SPARES)."""
