"""splash-flows: one 8.3.2 job (the reconstruction, or the multi-resolution copy) at ALCF, run by Globus Compute.

Registered as source text (strategy "st"): the endpoint exec's this module and calls splash_recon(job) with one
JSON document that says everything the job is (see beamlines/bl832/alcf.ts). Standard library only.

It returns a verdict -- a JSON object, the same document the NERSC jobs write as their status file -- instead of
raising late: ok, the stage that failed and why, the program's return code, the counts it checked, the centre
used, and the tails of the program's output. The original flow never looked at the return code, so a crashed
reconstruction was a "successful" task; here the program's exit status and its outputs are both checked.
A TIFF stack must hold exactly the slices expected: the job's number (a slice range), or for a full scan the
scan's detector rows -- read by the job's probe (the environment's python with h5py, /exchange/data shape[1])
before the program runs -- divided by the binning (beamlines/bl832/slice-count.ts).

Globus Compute cannot cancel a task. The limit is enforced here: the program runs in its own process group
and is stopped (SIGTERM, then SIGKILL) when it passes timeout_seconds; the endpoint's PBS walltime bounds
the worker itself.

A job is identified by its name (a hash of the scan, the options and the programs). The verdict is also
written to <log_dir>/<name>.status.json: a later task for the same job whose outputs are still its own returns
it at once (a re-run after the client lost the result). The outputs of a scan are the same folders whatever the
options, so each run records itself as their owner before it rewrites them: a verdict is reused only while the
outputs (and, for the zarr, the TIFF stack it was built from) are still owned by the run it describes. A lock
per output folder makes a second task that would write the same folders -- the same job, or other options for
the same scan -- wait for the first one instead of writing into them at the same time.
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

JOB_VERSION = 1
TAIL_LINES = 20
LOCK_GRACE_SECONDS = 600
LOCK_POLL_SECONDS = 5
TIFF_SUFFIXES = (".tif", ".tiff")
PROBE_TIMEOUT_SECONDS = 300


class JobFailed(Exception):
    """An expected failure: becomes the verdict's stage and message."""


def splash_recon(job):
    """Run one job to its verdict (a dict). Raises only for a malformed job document."""
    _check_job(job)
    name = job["name"]
    log_dir = job["log_dir"]
    os.makedirs(log_dir, exist_ok=True)
    status_path = os.path.join(log_dir, name + ".status.json")
    # One lock per set of output folders, not per job: other options write the same folders.
    lock_path = os.path.join(log_dir, "splash_lock_%s.lock" % _key("\n".join(sorted(job.get("clean") or [name]))))

    earlier = _reusable(job, status_path)
    if earlier is not None:
        return earlier
    other = _lock(job, lock_path, status_path)
    if other is not None:
        return other
    try:
        verdict = _run(job)
        _write_json(status_path, verdict)
        return verdict
    finally:
        try:
            os.unlink(lock_path)
        except FileNotFoundError:
            pass


def _check_job(job):
    if not isinstance(job, dict):
        raise ValueError("the job document must be a JSON object")
    if job.get("version") != JOB_VERSION:
        raise ValueError("job document version %r; this wrapper reads version %d" % (job.get("version"), JOB_VERSION))
    for key in ("name", "kind", "workdir", "log_dir"):
        if not isinstance(job.get(key), str) or job[key] == "":
            raise ValueError("job document: %s must be a non-empty string" % key)
    if not all(c.isalnum() or c in "._-" for c in job["name"]):
        raise ValueError("job document: name may hold letters, digits and . _ - only")
    for key in ("workdir", "log_dir"):
        if not os.path.isabs(job[key]):
            raise ValueError("job document: %s must be an absolute path" % key)
    argv = job.get("argv")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise ValueError("job document: argv must be a non-empty list of strings")
    env = job.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise ValueError("job document: env must map strings to strings")
    timeout = job.get("timeout_seconds")
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ValueError("job document: timeout_seconds must be a number > 0")
    check = job.get("check")
    if not isinstance(check, dict) or check.get("kind") not in ("tiff-stack", "zarr"):
        raise ValueError("job document: check.kind must be tiff-stack or zarr")
    if check["kind"] == "tiff-stack":
        _check_expected(check.get("expected"))
    stage = job.get("stage")
    if stage is not None and not (isinstance(stage, dict) and all(isinstance(stage.get(k), str) and os.path.isabs(stage[k]) for k in ("from", "to"))):
        raise ValueError("job document: stage must be null or {from, to} with absolute paths")
    for p in job.get("clean", []):
        if not isinstance(p, str) or not _inside(p, job["workdir"]):
            raise ValueError("job document: clean may only name paths inside workdir, got %r" % (p,))


def _whole(n, least):
    return isinstance(n, int) and not isinstance(n, bool) and n >= least


def _check_expected(expected):
    # Success means the whole stack: a job that does not say how many slices it must write is refused.
    if _whole(expected, 1):
        return
    if isinstance(expected, dict) and set(expected) == {"rows_probe", "binning"} and _whole(expected["binning"], 1):
        probe = expected["rows_probe"]
        if isinstance(probe, list) and probe and all(isinstance(a, str) for a in probe):
            return
    raise ValueError("job document: check.expected must be a whole number > 0 or {rows_probe: [argv...], binning: n >= 1}")


def _expected(job):
    """The slices the reconstruction must write: the job's number, or the scan's detector rows (read by the
    job's probe, /exchange/data shape[1]) divided by the binning, the remainder dropped as tomopy's downsample does."""
    expected = job["check"]["expected"]
    if isinstance(expected, int):
        return expected
    env = dict(os.environ)
    env.update(job.get("env", {}))
    why = "could not read the detector rows (/exchange/data shape[1]) of the scan, so the slices cannot be counted"
    try:
        done = subprocess.run(expected["rows_probe"], cwd=job["workdir"], env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=PROBE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise JobFailed("%s: the probe took over %d s" % (why, PROBE_TIMEOUT_SECONDS))
    except OSError as e:
        raise JobFailed("%s: cannot start %s: %s" % (why, expected["rows_probe"][0], e.strerror or e))
    err = done.stderr.decode("utf-8", errors="replace").strip().split("\n")[-1]
    if done.returncode != 0:
        raise JobFailed("%s: the probe exited with code %d: %s" % (why, done.returncode, err))
    out = done.stdout.decode("utf-8", errors="replace").strip().split("\n")[-1].strip()
    if not out.isdigit() or int(out) < 1:
        raise JobFailed("%s: the probe printed %r, not a number of rows" % (why, out[:40]))
    rows = int(out)
    n = rows // expected["binning"]
    if n < 1:
        raise JobFailed("%d detector rows with binning %d leave no slice to reconstruct" % (rows, expected["binning"]))
    return n


def _inside(path, root):
    path = os.path.normpath(path)
    root = os.path.normpath(root)
    return os.path.isabs(path) and path != root and path.startswith(root.rstrip("/") + "/")


def _key(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _owner_path(job, path):
    """Where the record of the run that last (re)wrote an output folder is."""
    return os.path.join(job["log_dir"], "splash_owner_%s.json" % _key(os.path.normpath(path)))


def _owner(job, path):
    doc = _read_json(_owner_path(job, path))
    return doc.get("run") if doc else None


def _claim(job, run):
    for p in job.get("clean", []):
        _write_json(_owner_path(job, p), {"job": job["name"], "run": run})


def _owns(job, run):
    return all(_owner(job, p) == run for p in job.get("clean", []))


def _input_owner(job):
    """The run that wrote the job's input (the zarr's TIFF stack), as far as it is recorded."""
    check = job["check"]
    return _owner(job, check["tiff_dir"]) if check["kind"] == "zarr" else None


def _now():
    return int(time.time())


def _write_json(path, doc):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    os.replace(tmp, path)


def _read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        return doc if isinstance(doc, dict) else None
    except (OSError, ValueError):
        return None


def _reusable(job, status_path):
    """The verdict of an earlier run of this very job, if it succeeded and its outputs still check out."""
    doc = _read_json(status_path)
    if not doc or doc.get("ok") is not True or doc.get("job") != job["name"]:
        return None
    # Other options for the same scan may have rewritten the folders (or the zarr's TIFF stack) since.
    if not isinstance(doc.get("run"), str) or not _owns(job, doc["run"]) or doc.get("input_run") != _input_owner(job):
        return None
    try:
        fields = _check_outputs(job, _expected(job) if job["check"]["kind"] == "tiff-stack" else None)
    except JobFailed:
        return None
    if any(doc.get(k) != v for k, v in fields.items() if k != "centre"):
        return None
    return dict(doc, reused=True)


def _lock(job, lock_path, status_path):
    """Take the job's lock; if another task holds it, wait for that task and return its verdict when it succeeded."""
    limit = job["timeout_seconds"] + LOCK_GRACE_SECONDS
    poll = job.get("lock_poll_seconds", LOCK_POLL_SECONDS)
    while True:
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                age = time.time() - os.stat(lock_path).st_mtime
            except FileNotFoundError:
                continue
            if age > limit:
                # A task that died without removing its lock (a lost node): take over.
                try:
                    os.unlink(lock_path)
                except FileNotFoundError:
                    pass
                continue
            time.sleep(poll)
            if not os.path.exists(lock_path):
                done = _reusable(job, status_path)
                if done is not None:
                    return dict(done, waited_for_another_task=True)
            continue
        with os.fdopen(fd, "w") as f:
            json.dump({"host": socket.gethostname(), "pid": os.getpid(), "start": _now()}, f)
        return None


def _tail(path, lines=TAIL_LINES):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 65536))
            text = f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip().split("\n")[-lines:])


def _stage(spec):
    src, dst = spec["from"], spec["to"]
    if not os.path.isfile(src):
        raise JobFailed("the scan is not at ALCF where the transfer put it (%s)" % src)
    if os.path.exists(dst) and os.path.samefile(src, dst):
        return
    s = os.stat(src)
    try:
        d = os.stat(dst)
        if d.st_size == s.st_size and int(d.st_mtime) == int(s.st_mtime):
            return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    partial = dst + ".splash-partial"
    shutil.copy2(src, partial)
    os.replace(partial, dst)


def _clean(paths):
    for p in paths:
        if os.path.islink(p) or os.path.isfile(p):
            os.unlink(p)
        elif os.path.isdir(p):
            shutil.rmtree(p)


def _stop(proc):
    """SIGTERM to the program's process group, SIGKILL after 10 s."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 30)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _execute(job, out_path, err_path):
    """Run the program; returns (returncode, timed_out)."""
    env = dict(os.environ)
    env.update(job.get("env", {}))
    with open(out_path, "w") as out, open(err_path, "w") as err:
        try:
            proc = subprocess.Popen(job["argv"], cwd=job["workdir"], env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as e:
            raise JobFailed("cannot start %s: %s" % (job["argv"][0], e.strerror or e))
        try:
            return proc.wait(timeout=job["timeout_seconds"]), False
        except subprocess.TimeoutExpired:
            _stop(proc)
            return proc.returncode, True


def _tiffs(folder):
    return sorted((e for e in os.scandir(folder) if e.is_file(follow_symlinks=False) and e.name.lower().endswith(TIFF_SUFFIXES)), key=lambda e: e.name)


def _check_outputs(job, expected):
    """The outputs as the job's check sees them (expected: the slices a TIFF stack must hold): verdict fields,
    or JobFailed with the reason."""
    check = job["check"]
    if check["kind"] == "tiff-stack":
        folder = check["dir"]
        if not os.path.isdir(folder):
            raise JobFailed("the reconstruction wrote no output folder")
        files = _tiffs(folder)
        empty = sum(1 for e in files if e.stat().st_size == 0)
        fields = {"slices_expected": expected, "slices_written": len(files)}
        if not files:
            raise JobFailed("the reconstruction wrote no slices")
        if empty:
            raise JobFailed("%d slice file(s) are empty" % empty)
        if len(files) != expected:
            raise JobFailed("wrote %d slices, expected %d" % (len(files), expected))
        fields["centre"] = _centre(os.path.join(folder, check.get("centre_file", "center.txt")), check.get("requested_centre", ""))
        return fields
    zarr, tiff_dir = check["dir"], check["tiff_dir"]
    if not os.path.isdir(tiff_dir):
        raise JobFailed("no TIFF stack to convert (the reconstruction output is missing)")
    slices = len(_tiffs(tiff_dir))
    if slices == 0:
        raise JobFailed("the TIFF stack is empty")
    if not (os.path.isfile(os.path.join(zarr, ".zgroup")) and os.path.isfile(os.path.join(zarr, ".zattrs"))):
        raise JobFailed("the zarr has no group metadata (.zgroup, .zattrs)")
    try:
        with open(os.path.join(zarr, ".zattrs"), encoding="utf-8") as f:
            datasets = json.load(f)["multiscales"][0]["datasets"]
        for d in datasets:
            with open(os.path.join(zarr, d["path"], ".zarray"), encoding="utf-8") as f:
                json.load(f)
        level0 = os.path.join(zarr, datasets[0]["path"])
        with open(os.path.join(level0, ".zarray"), encoding="utf-8") as f:
            shape = json.load(f)["shape"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as e:
        raise JobFailed("the zarr metadata does not describe the TIFF stack (%s: %s)" % (type(e).__name__, e))
    if shape[0] != slices:
        raise JobFailed("level 0 has %d slices, the TIFF stack %d" % (shape[0], slices))
    if not any(not f.startswith(".z") for _, _, fs in os.walk(level0) for f in fs):
        raise JobFailed("level 0 has no data chunks")
    return {"slices": slices, "levels": len(datasets)}


def _centre(path, requested):
    """The centre the program reports in center.txt (digits and a dot only), else the one asked for."""
    try:
        with open(path, "rb") as f:
            text = f.read(64).decode("ascii", errors="replace").strip()
    except OSError:
        return requested
    return text if text and all(c.isdigit() or c == "." for c in text) else requested


def _run(job):
    name = job["name"]
    out_path = os.path.join(job["log_dir"], name + ".out")
    err_path = os.path.join(job["log_dir"], name + ".err")
    start = _now()
    clock = time.monotonic()
    verdict = {
        "ok": False,
        "stage": "stage",
        "message": "",
        "job": name,
        "kind": job["kind"],
        "host": socket.gethostname(),
        "start": start,
        "end": None,
        "elapsed_seconds": None,
        "returncode": None,
        "timeout_seconds": job["timeout_seconds"],
        "reused": False,
        "run": uuid.uuid4().hex,
        "input_run": None,
        "logs": [out_path, err_path],
        "stdout_tail": "",
        "stderr_tail": "",
    }
    try:
        if job.get("stage"):
            _stage(job["stage"])
        expected = None
        if job["check"]["kind"] == "tiff-stack":
            verdict["stage"] = "count"
            expected = _expected(job)
        verdict["stage"] = job["kind"]
        verdict["input_run"] = _input_owner(job)
        _claim(job, verdict["run"])
        _clean(job.get("clean", []))
        returncode, timed_out = _execute(job, out_path, err_path)
        verdict["returncode"] = returncode
        verdict["stdout_tail"] = _tail(out_path)
        verdict["stderr_tail"] = _tail(err_path)
        if timed_out:
            raise JobFailed("the program passed its time limit of %d s and was stopped" % job["timeout_seconds"])
        if returncode < 0:
            raise JobFailed("the program was killed by signal %d" % -returncode)
        if returncode != 0:
            raise JobFailed("the program exited with code %d" % returncode)
        verdict["stage"] = "check"
        verdict.update(_check_outputs(job, expected))
        if not _owns(job, verdict["run"]) or verdict["input_run"] != _input_owner(job):
            raise JobFailed("another task rewrote the outputs (or their input) while this one ran")
        verdict["stage"] = "finished"
        verdict["ok"] = True
        verdict["message"] = ("wrote %d slices" % verdict["slices_written"]) if job["check"]["kind"] == "tiff-stack" else ("zarr with %d levels of %d slices" % (verdict["levels"], verdict["slices"]))
    except JobFailed as e:
        verdict["message"] = str(e)
    except OSError as e:
        verdict["message"] = "%s: %s" % (type(e).__name__, e)
    verdict["end"] = _now()
    verdict["elapsed_seconds"] = round(time.monotonic() - clock, 3)
    return verdict
