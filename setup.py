# Metadata lives in pyproject.toml; this shim exists because scrapyd-deploy builds the
# egg through `setup.py bdist_egg` (and would otherwise write a setup.py of its own).
from setuptools import setup

setup()
