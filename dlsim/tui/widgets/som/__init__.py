"""The SOM's own pictures: its grid drawn over the data (input_space), its map (map_panel)."""
