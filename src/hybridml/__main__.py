from hybridml.entry import main

raise SystemExit(main())
