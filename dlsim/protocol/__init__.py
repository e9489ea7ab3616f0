"""What every layer above shares and no network owns: events and levels, dataset kinds and shapes,
the parsed form of an event's path, and the one number format.

Below the models (which import it) and above the kernels; it imports nothing else of dlsim but
`dlsim.errors`, so any layer may use it.
"""
