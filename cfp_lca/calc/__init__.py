"""Computations on the Brightway project: static LCIA, audit, Monte Carlo, sensitivity."""
