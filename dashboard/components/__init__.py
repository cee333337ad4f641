"""Shared widgets and helpers: filters, maps, Dutch formatting, page layout."""
