"""Entry point of the YOLO GPU container: `python3 src/main.py --video_url URL --callback_url URL`.

See gpu_container/README.md for the flags, the JSON report and the exit codes.
"""

import os
import sys
from pathlib import Path

# Never reach for the network from ultralytics (no DNS probe, no asset downloads, no telemetry).
os.environ.setdefault("YOLO_OFFLINE", "1")
os.environ.setdefault("YOLO_VERBOSE", "False")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dogwatch.cli import main

if __name__ == "__main__":
    sys.exit(main())
