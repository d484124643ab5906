"""`python -m cli`: the same as the installed `partnerops` command."""

from cli.app import main

main()
