"""The lesson screen's widgets: the narration beside the simulation, and a step's checkpoint."""
