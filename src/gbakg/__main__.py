from gbakg.cli import main

main()
