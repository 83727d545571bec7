from nutri.cli import main

main()
