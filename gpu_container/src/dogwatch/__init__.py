"""dogwatch: find time segments of a video where a class (a dog, by default) is visible.

The package behind the bundled YOLO GPU container (`python3 src/main.py ...`). It is never
imported by the hybridml console.
"""

__version__ = "0.1.0"
