from optout_tui.cli import main

main()
