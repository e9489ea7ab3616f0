"""The app's screens: home, simulation, help, options form and a one-value prompt."""
