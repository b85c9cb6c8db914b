"""Planning tools' own files (MS Project .mpp and .mpx, and the other formats MPXJ
reads) through MPXJ, the optional ``mpxj`` extra.

MPXJ (LGPL, https://www.mpxj.org) is a Java library, used through JPype; it needs a
Java runtime. :func:`read_with_mpxj` lets MPXJ read the file (its
``UniversalProjectReader``), has it written as MS Project XML (``MSPDIWriter``, in
memory) and reads that with riskkit's own MSPDI reader (:mod:`.mspdi`): one reader
for MS Project's data, however it was stored. The Java virtual machine starts once per
Python process, on first use (about a second).

Without the extra, or without Java, the file is refused with what to install.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from ...exceptions import InputError, Problem
from ...model import Schedule
from ..tables import display_name
from .mspdi import schedule_from_mspdi
from .xmltree import read_xml

__all__ = ["INSTALL_HINT", "JAVA_HINT", "MPXJ_SUFFIXES", "mspdi_bytes", "read_with_mpxj"]

#: File name endings of the formats riskkit hands to MPXJ when their content does not
#: say what they are (an .mpp and an MPX file are recognised by their content).
MPXJ_SUFFIXES = (".mpp", ".mpt", ".mpx", ".pp", ".ppx", ".gan", ".pod", ".fts", ".sp",
                 ".planner", ".pep", ".cdpx", ".cdpz", ".pc", ".prx", ".stx", ".ttpm")
INSTALL_HINT = ('install the MPXJ extra: pip install "riskkit[mpxj]" (it needs a Java '
                'runtime, e.g. apt-get install default-jre-headless); or save the file '
                'from the planning tool as MS Project XML, which riskkit reads without it')
JAVA_HINT = ("install a Java runtime, e.g. apt-get install default-jre-headless (or set "
             "JAVA_HOME to one); or save the file as MS Project XML")
_JVM_OPTIONS = ("-Dlog4j2.statusLoggerLevel=OFF",)  # MPXJ logs through log4j's API only


def read_with_mpxj(source: Any, what: str, project: str | None = None) -> Schedule:
    """The schedule of a file MPXJ reads (``what`` it is, for messages), by way of MS
    Project XML.

    Raises
    ------
    InputError
        The extra or Java is missing, MPXJ cannot read the file (corrupt, or not a
        planning tool's), or the schedule has problems (named without lines: they
        would be lines of the translation, not of the file).
    """
    name = display_name(source)
    data = mspdi_bytes(source, what)
    try:
        return schedule_from_mspdi(read_xml(data, "an MS Project XML file", name), project)
    except InputError as exc:
        raise InputError([replace(p, row=None) for p in exc.problems]) from None


def mspdi_bytes(source: Any, what: str) -> bytes:
    """The file as MS Project XML, written by MPXJ."""
    name = display_name(source)
    jpype = _java(name, what)
    from java.io import ByteArrayOutputStream  # noqa: I001  (Java classes, through JPype)
    from org.mpxj.mspdi import MSPDIWriter
    from org.mpxj.reader import UniversalProjectReader

    with _on_disk(source, name) as path:
        try:
            project = UniversalProjectReader().read(path)
        except jpype.JException as exc:
            raise InputError(Problem(
                f"is {what} that MPXJ cannot read: {exc.getMessage() or exc}", source=name,
                hint="is the file whole? open it in the planning tool and save it again, "
                     "or save it as MS Project XML")) from None
    if project is None:
        raise InputError(Problem(
            f"is {what} that MPXJ does not recognise (corrupt, cut short, or not a "
            f"planning tool's file)", source=name,
            hint="open it in the planning tool and save it again, or save it as MS "
                 "Project XML"))
    out = ByteArrayOutputStream()
    try:
        MSPDIWriter().write(project, out)
    except jpype.JException as exc:  # pragma: no cover - MPXJ writes what it read
        raise InputError(Problem(f"could not be translated by MPXJ: {exc.getMessage()}",
                                 source=name)) from None
    return bytes(out.toByteArray())


def _java(name: str, what: str) -> Any:
    """JPype with the Java virtual machine started and MPXJ's classes on its path."""
    try:
        import jpype
        import mpxj  # noqa: F401  (puts MPXJ's jars on JPype's class path)
    except ImportError:
        raise InputError(Problem(f"is {what}: riskkit reads it through MPXJ, which is not "
                                 f"installed", source=name, hint=INSTALL_HINT)) from None
    if not jpype.isJVMStarted():
        try:
            jpype.startJVM(*_JVM_OPTIONS)
        except (jpype.JVMNotFoundException, jpype.JVMNotSupportedException, OSError,
                RuntimeError) as exc:
            raise InputError(Problem(f"is {what}: riskkit reads it through MPXJ, which "
                                     f"needs Java, and no Java runtime was found ({exc})",
                                     source=name, hint=JAVA_HINT)) from None
    return jpype


@contextmanager
def _on_disk(source: Any, name: str) -> Iterator[str]:
    """The path of the file, or of a temporary copy of a file object's bytes."""
    if isinstance(source, (str, os.PathLike)):
        yield os.fspath(source)
        return
    data = source.read() if hasattr(source, "read") else source
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, temp = tempfile.mkstemp(suffix=os.path.splitext(name)[1] or ".mpp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield temp
    finally:
        os.unlink(temp)
