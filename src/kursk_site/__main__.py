"""`python -m kursk_site` and the `kursk-site` program: the command line, and a clean exit when interrupted
while it is still starting (Ctrl-C while the modules load)."""

import sys


def run() -> None:
    try:
        from kursk_site import cli
    except KeyboardInterrupt:
        sys.stderr.write("kursk-site: interrupted\n")
        raise SystemExit(130) from None
    cli.run()


if __name__ == "__main__":
    run()
