from json import JSONDecodeError as _JSONDecodeError, JSONDecoder as JSONDecoder, JSONEncoder as JSONEncoder
from typing import IO, Any, Callable, Optional, Union

__version__: str

class JSONDecodeError(_JSONDecodeError): ...
class JSONEncodeError(TypeError): ...

def dumps(
    obj: Any,
    *,
    skipkeys: bool = ...,
    ensure_ascii: bool = ...,
    check_circular: bool = ...,
    allow_nan: bool = ...,
    cls: Optional[type[JSONEncoder]] = ...,
    indent: Union[None, int, str] = ...,
    separators: Optional[tuple[str, str]] = ...,
    default: Optional[Callable[[Any], Any]] = ...,
    sort_keys: bool = ...,
    **kw: Any,
) -> str: ...
def dump(obj: Any, fp: IO[str], **kw: Any) -> None: ...
def loads(
    s: Union[str, bytes, bytearray, memoryview],
    *,
    cls: Optional[type[JSONDecoder]] = ...,
    object_hook: Optional[Callable[[dict[Any, Any]], Any]] = ...,
    parse_float: Optional[Callable[[str], Any]] = ...,
    parse_int: Optional[Callable[[str], Any]] = ...,
    parse_constant: Optional[Callable[[str], Any]] = ...,
    object_pairs_hook: Optional[Callable[[list[tuple[Any, Any]]], Any]] = ...,
    strict: bool = ...,
    **kw: Any,
) -> Any: ...
def load(fp: IO[Any], **kw: Any) -> Any: ...
def dumpb(obj: Any, /, default: Optional[Callable[[Any], Any]] = ..., option: Optional[int] = ...) -> bytes: ...
def simd_level() -> str: ...
