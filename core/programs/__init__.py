"""Small programs with loops and branches, differentiated as written and as rewritten.

rules, checker, analysis, parser: typed text to a validated, bounded `Program`;
interpreter: the program as a JAX function; source_writer: its where/fori_loop rewrite
as code; worker: the page's derivatives under a time budget; gallery, figures.
"""
