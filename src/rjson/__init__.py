"""rjson: a fast JSON library.

``dumps``/``loads``/``dump``/``load`` behave exactly as the standard library's json
functions of the same names (same output, same results, same exceptions), and
``dumpb`` is a bytes fast path with orjson's conventions.
"""
from json import JSONDecoder, JSONEncoder

from ._rjson import JSONDecodeError, JSONEncodeError, dumpb, dumps, loads, simd_level

__all__ = [
    "dump", "dumps", "dumpb", "load", "loads",
    "JSONDecodeError", "JSONEncodeError", "JSONDecoder", "JSONEncoder",
]
__version__ = "0.1.0"


def dump(obj, fp, **kw):
    """Serialize ``obj`` as JSON to the text file ``fp``; arguments as for ``dumps``."""
    fp.write(dumps(obj, **kw))


def load(fp, **kw):
    """Deserialize JSON read from ``fp`` (text or binary); arguments as for ``loads``."""
    return loads(fp.read(), **kw)
