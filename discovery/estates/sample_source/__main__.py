"""``python -m discovery.estates.sample_source [folder]`` rewrites the committed sample."""

import sys
from pathlib import Path

from discovery.estates.sample_source import write_sample_estate

target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent.parent / "sample"
print(write_sample_estate(target))
