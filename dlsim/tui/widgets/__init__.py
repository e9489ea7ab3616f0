"""Panels of the simulation screen, grouped by area."""
