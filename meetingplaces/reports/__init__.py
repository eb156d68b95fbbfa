"""Evaluation: attendance per date (attendance.py), programmes on quarters (programmes.py), the
figures of a report (figures.py), its charts (charts.py) and exports (exports.py), and the
stored dates and running sums that keep reports fast (event_dates.py, usage.py)."""
