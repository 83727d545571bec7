"""Weekly intake report: one data model (build.py), one module per output format."""
