from archdoc.cli import main

main()
