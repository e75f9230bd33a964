"""Development tools: `make bench`, `make loadtest` and the large fake coalition they measure.

Installed only where `DEBUG` or `DEV_TOOLS` is on (icnk/settings.py, after INSTALLED_APPS), so
a production host neither ships these commands in `manage.py help` nor can run them by mistake.
Results are written to `benchmarks/results/`.
"""
