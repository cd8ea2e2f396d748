#!/usr/bin/env python3
"""One task of the Globus Compute simulator, run the way an endpoint worker runs it (RECON 4.3).

The task buffer is the registered function_code followed by the submission's payload; it is unpacked into
exactly three buffers -- function, args, kwargs -- where every length prefix is Python's len(), i.e. Unicode
code points. Each buffer's 3-character header names its strategy. This simulated endpoint is configured with
allowed_serializers = [PureSourceTextInspect, JSONData]: any other strategy (dill "00"/"01", combined "10",
...) is refused as the SDK refuses a strategy outside the allow-list. The function is exec'd from its source and
called; its result is serialized with the submission's result_serializers (JSONData: json.dumps), or with the
default strategy (dill, stood in for by pickle: unreadable without Python) when none were given. An exception
anywhere becomes the task's exception text: the formatted traceback.

Usage: worker.py <task.json> <out.json>
  task.json: {"function_code": str, "payload": str, "result_serializers": [str], "inject": str|null}
  out.json:  {"status": "success", "result": str} | {"status": "failed", "exception": str}
"""
import base64
import json
import os
import pickle
import sys
import traceback

JSON_DATA = "globus_compute_sdk.serialize.JSONData"
KNOWN_RESULT_SERIALIZERS = {
    JSON_DATA,
    "globus_compute_sdk.serialize.DillDataBase64",
    "globus_compute_sdk.serialize.AllDataStrategies",
}
# Every identifier the SDK knows (serialize/concretes.py), and which of them this endpoint allows.
KNOWN_HEADERS = {"00\n", "01\n", "02\n", "03\n", "04\n", "10\n", "11\n", "12\n", "13\n", "sd\n", "st\n"}
CODE_ALLOWED = {"st\n"}
DATA_ALLOWED = {"11\n"}
RESULT_SIZE_LIMIT = 10 * 1024 * 1024


class DeserializationError(Exception):
    pass


class SerializationError(Exception):
    pass


class MaxResultSizeExceeded(Exception):
    pass


class InjectedFault(Exception):
    pass


def unpack_buffers(packed):
    """The SDK's unpack_buffers: '<len>\\n<buffer>' repeated, len counted by Python's len()."""
    unpacked = []
    while packed:
        try:
            delimiter, buffer = packed.split("\n", 1)
        except ValueError as e:
            raise ValueError("Missing newline delimiter") from e
        try:
            buf_len = int(delimiter)
        except ValueError as e:
            raise ValueError(f"Invalid length delimiter: {delimiter}") from e
        if buf_len < 0:
            raise ValueError(f"Length delimiter must be non-negative: {buf_len}")
        if len(buffer) < buf_len:
            raise ValueError(f"Truncated buffer: expected {buf_len} characters, but only {len(buffer)} characters remain")
        current, packed = buffer[:buf_len], buffer[buf_len:]
        unpacked.append(current)
    return unpacked


def deserialize(payload, allowed, kind):
    header = payload[:3]
    if header not in KNOWN_HEADERS:
        raise DeserializationError(f"Invalid header: {header!r} in data payload")
    if header not in allowed:
        raise DeserializationError(
            f"Deserializer {header!r} disabled by current configuration. The current configuration requires the *{kind}*"
            " to be serialized with one of the allowed classes: Allowed serializers: JSONData, PureSourceTextInspect"
        )
    body = payload[3:]
    if header == "st\n":
        name, source = body.split(":", 1)
        exec_ns = {}
        exec(source, exec_ns)
        return exec_ns[name]
    return json.loads(body)


def serialize_result(result, serializers):
    if not serializers:
        return "00\n" + base64.b64encode(pickle.dumps(result)).decode("ascii")
    errors = []
    for path in serializers:
        if path not in KNOWN_RESULT_SERIALIZERS:
            raise SerializationError(f"{path} is not a known serialization strategy.")
        try:
            if path == "globus_compute_sdk.serialize.DillDataBase64":
                return "00\n" + base64.b64encode(pickle.dumps(result)).decode("ascii")
            return "11\n" + json.dumps(result)
        except Exception as e:  # the next strategy may manage
            errors.append(repr(e))
    raise SerializationError(f"All strategies failed: {'; '.join(errors)}")


def run(task):
    buffers = unpack_buffers(task["function_code"] + task["payload"])
    if len(buffers) != 3:
        raise AssertionError(f"Unpack expects 3 buffers, got {len(buffers)}")
    fn = deserialize(buffers[0], CODE_ALLOWED, "function")
    args = deserialize(buffers[1], DATA_ALLOWED, "arguments")
    kwargs = deserialize(buffers[2], DATA_ALLOWED, "arguments")
    if task.get("inject"):
        raise InjectedFault(task["inject"])
    result = fn(*args, **kwargs)
    serialized = serialize_result(result, task.get("result_serializers") or [])
    if len(serialized) > RESULT_SIZE_LIMIT:
        raise MaxResultSizeExceeded(f"Task result of {len(serialized)}B exceeded current limit of {RESULT_SIZE_LIMIT}B")
    return serialized


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        task = json.load(f)
    try:
        out = {"status": "success", "result": run(task)}
    except BaseException:  # noqa: B036 -- the endpoint reports everything, SystemExit included
        out = {"status": "failed", "exception": traceback.format_exc()}
    with open(sys.argv[2] + ".tmp", "w", encoding="utf-8") as f:
        json.dump(out, f)
    os.replace(sys.argv[2] + ".tmp", sys.argv[2])


if __name__ == "__main__":
    main()
