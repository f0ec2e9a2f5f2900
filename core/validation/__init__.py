"""Checks of the arguments that the page packages take."""
