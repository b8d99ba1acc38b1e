import os
import numpy as np
from a.b import c, d as e

MAX = 10

# A point.
class Point:
    """A 2D point."""
    x = 0

    def norm(self, other):
        """Return the norm."""
        return os.path.join(self.x)

@decorator
def top(a, b):
    return a + b
