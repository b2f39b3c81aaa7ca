"""coproduce: co-produced quality improvement for health and care services.

The core methods live in subpackages (``coproduce.spc`` and friends) and never
import Django; the web application lives in ``coproduce.web``.
"""

__version__ = "0.1.0.dev0"
