"""The diffusion model's panels: the plane at any t (views/diffusion.py lays them out)."""
