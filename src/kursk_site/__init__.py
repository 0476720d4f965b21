"""kursk-site: a static site generator for a news-analysis desk."""

__version__ = "0.1.0"
