"""The text consumers of a simulation, above the lesson engine and below the app: a headless run
(`dlsim run --headless`), the JSONL trace file it writes, the lesson commands (`dlsim lesson …`,
playing a lesson as text) and the catalog (`dlsim list`). Nothing here imports the app; the CLI
hands the lesson commands a way to open it."""
