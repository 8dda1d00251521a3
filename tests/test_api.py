"""The module surface: names, exception hierarchy, native (C) entry points."""
import json

import pytest

import rjson


@pytest.mark.parametrize("name", ["dumps", "dump", "loads", "load", "dumpb",
                                  "JSONDecodeError", "JSONEncodeError"])
def test_has_name(name):
    assert hasattr(rjson, name)
    assert name in rjson.__all__


def test_exception_hierarchy():
    assert issubclass(rjson.JSONDecodeError, json.JSONDecodeError)
    assert issubclass(rjson.JSONDecodeError, ValueError)
    assert issubclass(rjson.JSONEncodeError, TypeError)
    assert not issubclass(rjson.JSONEncodeError, ValueError)
    # raisable and catchable as their bases
    with pytest.raises(TypeError):
        raise rjson.JSONEncodeError("x")


@pytest.mark.parametrize("name", ["dumps", "loads", "dumpb"])
def test_native_functions(name):
    fn = getattr(rjson, name)
    assert type(fn).__name__ == "builtin_function_or_method"
    assert not hasattr(fn, "__code__")  # not a Python function or wrapper


@pytest.mark.parametrize("name", ["dump", "load"])
def test_file_functions_callable(name):
    assert callable(getattr(rjson, name))


def test_dump_writes_to_file_like():
    import io

    fp = io.StringIO()
    assert rjson.dump({"a": [1, 2.5, None]}, fp, indent=1) is None
    assert fp.getvalue() == json.dumps({"a": [1, 2.5, None]}, indent=1)
