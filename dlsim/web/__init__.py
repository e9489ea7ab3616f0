"""dlsim in a browser (`dlsim serve`, the `dlsim[web]` extra): textual-serve's web server, one dlsim
process per tab (dlsim.web.tab), each started from its page's address (dlsim.web.start).

A consumer beside the app (dlsim.tui), at the top of the layers: its tab process opens the app. Only
dlsim.web.server and the tab's process import textual-serve or the app; `dlsim serve` checks first
that textual-serve is installed and says how to install it where it is not.
"""
