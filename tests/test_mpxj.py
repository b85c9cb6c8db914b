"""MS Project .mpp and MPX files (and the other formats MPXJ reads) through the optional
MPXJ extra (#18, readers): the file is read by MPXJ, written as MS Project XML and read
by riskkit's MSPDI reader.

These tests need the extra (``pip install "riskkit[mpxj]"``) and a Java runtime; they
skip without them, unless ``RISKKIT_REQUIRE_MPXJ`` is set (``.ci/run`` installs both and
sets it, so in CI they run). The Java virtual machine starts once per session.
"""

from __future__ import annotations

import importlib.util
import io
import os
import sys
import warnings

import numpy as np
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.io.planning.mpxj import INSTALL_HINT, JAVA_HINT
from riskkit.io.planning.verify import compare_dates

from .conftest import REALWORLD

MPX = REALWORLD / "mpxj_python_samples_example.mpx"
XER = REALWORLD / "pyp6xer_SP10_cost_loaded.xer"
HAVE_EXTRA = all(importlib.util.find_spec(m) is not None for m in ("jpype", "mpxj"))
needs_realworld = pytest.mark.skipif(not MPX.exists(), reason="../shared/realworld is absent")


def read(source, **kwargs) -> tuple[rk.Schedule, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", rk.InputWarning)
        sch = rk.read_schedule(source, **kwargs)
    return sch, [str(w.message) for w in caught]


@pytest.fixture(scope="session")
def java():
    """JPype with the Java virtual machine started (once), or skip (fail in CI)."""
    why = None
    if not HAVE_EXTRA:
        why = "the mpxj extra is not installed"
    else:
        import jpype
        import mpxj  # noqa: F401

        if not jpype.isJVMStarted():
            try:
                jpype.startJVM("-Dlog4j2.statusLoggerLevel=OFF")
            except (jpype.JVMNotFoundException, OSError, RuntimeError) as exc:
                why = f"no Java runtime: {exc}"
    if why is not None:
        if os.environ.get("RISKKIT_REQUIRE_MPXJ"):
            pytest.fail(f"RISKKIT_REQUIRE_MPXJ is set but {why}")
        pytest.skip(why)
    return sys.modules["jpype"]


@needs_realworld
def test_the_mpx_sample_imports(java, capsys):
    sch, notes = read(MPX)
    assert sch.ids == ("1", "2", "3") and notes == []
    assert [a.name for a in sch.activities] == ["Task 1", "Task 2", "Task 3"]
    assert [a.most_likely for a in sch.activities] == [3.0, 3.0, 3.0]
    assert [(lk.predecessor, lk.successor, lk.type, lk.lag) for lk in sch.links] == [
        ("1", "2", "FS", 0.0), ("2", "3", "FS", 0.0)]
    assert sch.duration() == 9.0 and str(sch.start) == "2018-09-07"
    assert sch.calendar.weekmask == "1111100" and sch.calendar.name == "Standard"
    assert sch.activity("1").calendar.week[0] == ((8.0, 12.0), (13.0, 17.0))
    assert sch.activity("3").saved.early_finish == np.datetime64("2018-09-20T00:00")
    assert main(["validate", "--schedule", str(MPX)]) == 0
    assert "3 activities, 2 links; deterministic duration 9.0 working days" in \
        capsys.readouterr().out
    # its dates have no time of day: a finish on 19/09/2018 is the end of that day, as ours
    assert main(["verify", str(MPX), "--json", "-"]) == 0
    assert '"early_finish_matches": 3' in capsys.readouterr().out


@needs_realworld
def test_a_file_object_is_read_through_a_temporary_copy(java):
    stream = io.BytesIO(MPX.read_bytes())
    stream.name = "upload.mpx"
    sch, _ = read(stream)
    assert sch.source == "upload.mpx" and sch.duration() == 9.0


def test_a_corrupt_mpp_is_an_error_without_a_traceback(java, tmp_path, capsys):
    path = tmp_path / "plan.mpp"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 16)
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    (problem,) = info.value.problems
    assert problem.source == str(path)
    assert "is a Microsoft Project .mpp file that MPXJ does not recognise" in problem.message
    assert main(["validate", "--schedule", str(path)]) == 2
    err = capsys.readouterr().err
    assert "MPXJ does not recognise" in err and "Traceback" not in err


def test_without_the_extra_the_message_says_what_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "mpxj", None)  # import mpxj fails
    path = tmp_path / "plan.mpx"
    path.write_text("MPX,Microsoft Project for Windows,4.0,ANSI\n", encoding="ascii")
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    (problem,) = info.value.problems
    assert problem.message == ("is a Microsoft Project exchange (MPX) file: riskkit reads it "
                               "through MPXJ, which is not installed")
    assert problem.hint == INSTALL_HINT and 'pip install "riskkit[mpxj]"' in problem.hint
    assert main(["validate", "--schedule", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.skipif(not HAVE_EXTRA, reason="the mpxj extra is not installed")
def test_without_java_the_message_says_to_install_a_runtime(monkeypatch, tmp_path):
    import jpype

    def no_java(*args, **kwargs):
        raise jpype.JVMNotFoundException("No JVM shared library file (libjvm.so) found")

    monkeypatch.setattr(jpype, "isJVMStarted", lambda: False)
    monkeypatch.setattr(jpype, "startJVM", no_java)
    path = tmp_path / "plan.mpp"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    (problem,) = info.value.problems
    assert "needs Java, and no Java runtime was found" in problem.message
    assert problem.hint == JAVA_HINT and "apt-get install default-jre-headless" in JAVA_HINT


@pytest.mark.skipif(not XER.exists(), reason="../shared/realworld is absent")
def test_the_real_p6_file_as_p6_xml_and_ms_project_xml_reads_as_the_xer(java, tmp_path):
    # MPXJ writes the real XER as PMXML and as MSPDI; riskkit reads the PMXML by the XER
    # reader's rules (the same schedule, warning for warning) and the MSPDI by MS
    # Project's, to the same deterministic duration.
    from org.mpxj.mspdi import MSPDIWriter
    from org.mpxj.primavera import PrimaveraPMFileWriter
    from org.mpxj.reader import UniversalProjectReader

    project = UniversalProjectReader().read(str(XER))
    pmxml, mspdi = tmp_path / "real.pmxml", tmp_path / "real.xml"
    PrimaveraPMFileWriter().write(project, str(pmxml))
    MSPDIWriter().write(project, str(mspdi))
    xer, xer_notes = read(XER)
    ours, notes = read(pmxml)
    assert ours.ids == xer.ids
    assert [a.most_likely for a in ours.activities] == [a.most_likely for a in xer.activities]
    assert sorted((lk.predecessor, lk.successor, lk.type, lk.lag) for lk in ours.links) == \
        sorted((lk.predecessor, lk.successor, lk.type, lk.lag) for lk in xer.links)
    assert ours.calendar == xer.calendar and ours.start == xer.start
    assert [n.replace(str(pmxml), "F") for n in notes] == [
        n.replace(str(XER), "F") for n in xer_notes]
    np.testing.assert_array_equal(ours.cpm()["early_finish"], xer.cpm()["early_finish"])
    # (MPXJ writes P6's remaining late dates only: the early ones are compared)
    theirs, mine = compare_dates(xer).to_dict(), compare_dates(ours).to_dict()
    for key in ("compared", "early_start_matches", "early_finish_matches", "project_finish"):
        assert mine[key] == theirs[key], key
    assert mine["early_start_matches"] == mine["early_finish_matches"] == 3471
    ms, ms_notes = read(mspdi)
    assert ms.duration() == xer.duration() == 1390.0  # P6's, through MS Project's reader
    assert ms.data_date == np.datetime64("2017-09-16T00:00") and ms.start == xer.start
    (note,) = [n for n in ms_notes if "cannot honour" in n]
    assert "1,982 summary tasks left out" in note  # P6's WBS, as MPXJ writes it
