"""The demo bank: departments, touchpoints, customers, staff and some history to look at.

Comment texts are real complaint narratives from the US CFPB database (public domain), chosen
by `app/demo/cfpb_comments.csv`; the Chinese comments are written for the demo.
"""
