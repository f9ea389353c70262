"""``python -m traceaudit``."""

from traceaudit.cli import main

if __name__ == "__main__":
    main()
