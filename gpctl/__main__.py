from gpctl.cli import main

main()
