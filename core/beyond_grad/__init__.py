"""Beyond grad (page 8): implicit differentiation of a root, and what plain grad cannot do."""
