"""The Textual app: consumer 2 of the event stream, and the only package that imports textual.

Pure parts (session.py, changes.py, frame.py) know nothing about
screens; app.py, screens/, simview.py, runner.py, widgets/ and views/ draw and drive them.
"""
