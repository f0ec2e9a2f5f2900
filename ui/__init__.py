"""Streamlit-only glue: cached wrappers around core, shared widgets, URL state."""
