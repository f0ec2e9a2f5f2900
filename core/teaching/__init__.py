"""Teaching tools: step-by-step derivatives, checking an answer, Taylor polynomials."""
