"""her2lung: an analytics warehouse for HER2 (ERBB2) alterations in NSCLC."""

__version__ = "0.1.0"
