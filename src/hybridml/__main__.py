from hybridml.cli import main

raise SystemExit(main())
