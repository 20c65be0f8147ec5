"""The demo bank, Jade Harbour Bank: its set-up, five months of history and today's first
events, for `make run` and `flask seed-demo` (bank.py loads it; history.py plays the months;
casework.py is its staff; comments.py what its customers write).

English complaints are real ones from the US CFPB database (public domain), rewritten for this
bank (`cfpb_comments.csv`); the Chinese comments and the praise are written for the demo.
"""
