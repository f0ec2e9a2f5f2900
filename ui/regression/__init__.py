"""The regression page's three tabs (linear, polynomial, logistic), one module each."""
