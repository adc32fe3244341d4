"""Run the operator command line from a checkout: `python manage.py COMMAND`."""

from cli import main

if __name__ == "__main__":
    main()
