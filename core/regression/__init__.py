"""Regression fitted by gradient descent, against the closed-form or library answer.

samples: simulated or uploaded data; gradient_descent: the fixed and Barzilai–Borwein
descent loop; line_fit, polynomial, logistic, per_example: the fits; figures.
"""
