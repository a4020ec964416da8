#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # manage.py is where a developer works (check, shell, makemigrations); sites are served
    # through wsgi.py, and production sets DEBUG=0 in its environment for both, so its
    # SECRET_KEY check (newsroom/settings.py) still stops a server started without one.
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
