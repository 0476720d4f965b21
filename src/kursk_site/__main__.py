"""`python -m kursk_site` runs the command line."""

from kursk_site import cli

cli.run()
