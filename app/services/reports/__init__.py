"""What CX managers read: closed-loop, scores, the voice of the customer, exports, summaries.

Every figure is an SQL aggregate over indexed columns for one `ReportFilter` (a period and the
grouping facts responses carry); the dashboard, the API and the weekly e-mail share them.
"""
