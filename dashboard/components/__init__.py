"""Shared widgets and helpers: filters, maps, Dutch formatting, page layout, the period
comparison table (briefing, Verkeer and the briefing pack)."""
