"""XML files read safely: a hardened parser (defusedxml) into a light tree whose
elements remember their line.

Planning tools' XML (MS Project's MSPDI, Primavera P6's PMXML) is data, never markup
that pulls in other files: a file that declares entities (the "billion laughs" XML
bomb, external entities that read local files or URLs) is refused with an
:class:`~riskkit.InputError`, as is XML that is not well formed (a file cut short, a
tag left open), each naming the file and the line.

Namespaces are dropped from tag names (``{http://schemas.microsoft.com/project}Task``
is ``Task``); the root's namespace is kept as :attr:`XmlDocument.namespace`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from ...exceptions import InputError, Problem
from ..tables import display_name

__all__ = ["XmlDocument", "XmlElement", "read_xml"]

_CHUNK = 1 << 20


class XmlElement:
    """One element: its tag (without namespace), text (of an element without children),
    children and line in the file."""

    __slots__ = ("_index", "children", "line", "tag", "text")

    def __init__(self, tag: str, line: int):
        self.tag = tag
        self.line = line
        self.text = ""
        self.children: list[XmlElement] = []
        self._index: dict[str, XmlElement] | None = None

    def __repr__(self) -> str:
        return f"<{self.tag} line {self.line}>"

    def __iter__(self) -> Iterator[XmlElement]:
        return iter(self.children)

    def find(self, tag: str) -> XmlElement | None:
        """The first child called ``tag``."""
        if self._index is None:
            index: dict[str, XmlElement] = {}
            for child in self.children:
                index.setdefault(child.tag, child)
            self._index = index
        return self._index.get(tag)

    def findall(self, tag: str) -> list[XmlElement]:
        """Every child called ``tag``, in file order."""
        return [c for c in self.children if c.tag == tag]

    def get(self, tag: str) -> str | None:
        """The text of the first child called ``tag``, stripped; None when there is no
        such child or it is empty."""
        child = self.find(tag)
        if child is None:
            return None
        text = child.text.strip()
        return text or None

    def items(self, tag: str) -> list[XmlElement]:
        """The children of the first child called ``tag`` (none when it is missing):
        ``project.items("Tasks")`` for every ``Task``."""
        child = self.find(tag)
        return child.children if child is not None else []

    def path(self, *tags: str) -> XmlElement | None:
        """The element down the path of child tags (None where one is missing)."""
        node: XmlElement | None = self
        for tag in tags:
            node = node.find(tag) if node is not None else None
        return node


@dataclass(frozen=True)
class XmlDocument:
    """A parsed file: its root element, the root's namespace and the file's name."""

    root: XmlElement
    namespace: str
    source: str


class _Builder:
    """The parser's target: builds :class:`XmlElement` nodes with their lines."""

    def __init__(self) -> None:
        self.stack: list[XmlElement] = []
        self.root: XmlElement | None = None
        self.namespace = ""
        self.expat: Any = None
        self._text: list[str] = []
        self._names: dict[str, str] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self._text = []  # text between elements (indentation) is not kept
        local = self._names.get(tag)
        if local is None:
            namespace, _, local = (tag[1:].rpartition("}") if tag.startswith("{")
                                   else ("", "", tag))
            self._names[tag] = local
            if not self.stack:
                self.namespace = namespace
        node = XmlElement(local, self.expat.CurrentLineNumber)
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, tag: str) -> None:
        node = self.stack.pop()
        if self._text and not node.children:
            node.text = "".join(self._text)
        self._text = []

    def data(self, text: str) -> None:
        self._text.append(text)

    def close(self) -> XmlElement | None:
        return self.root


def read_xml(source: Any, what: str = "an XML file", name: str | None = None
             ) -> XmlDocument:
    """Parse an XML file (a path, a file object, or bytes) with entity declarations and
    external references refused; ``what`` the file is (for messages), ``name`` the
    name to give it (default: its path or file name).

    Raises
    ------
    InputError
        The file cannot be read, is not well-formed XML (naming its line and column),
        is cut short, or declares entities (an XML bomb or external entity).

    Examples
    --------
    >>> import io
    >>> doc = read_xml(io.BytesIO(b"<a xmlns='urn:x'><b>1</b>\\n<b>2</b></a>"))
    >>> doc.namespace, [(b.text, b.line) for b in doc.root.findall("b")]
    ('urn:x', [('1', 1), ('2', 2)])
    """
    name = name or display_name(source)
    builder = _Builder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True,
                              forbid_external=True)
    builder.expat = parser.parser
    last_line = 1
    try:
        for chunk in _chunks(source, name):
            last_line += (chunk.count(b"\n") if isinstance(chunk, bytes)
                          else chunk.count("\n"))
            parser.feed(chunk)
        parser.close()
    except EntitiesForbidden as exc:
        raise InputError(Problem(
            f"declares the XML entity {exc.name!r}: riskkit refuses entity declarations, "
            f"the way XML bombs (billion laughs) and external entities work",
            source=name, row=_line(parser), hint=f"{what} never declares entities; "
                                                 "export it again from the planning tool"
        )) from None
    except DTDForbidden:  # pragma: no cover - document type declarations are allowed
        raise InputError(Problem("declares a document type", source=name)) from None
    except DefusedXmlException as exc:
        raise InputError(Problem(
            f"refers to an external resource ({exc}): riskkit reads nothing outside the "
            f"file", source=name, row=_line(parser),
            hint=f"{what} never refers to other files; export it again")) from None
    except ParseError as exc:
        if builder.root is None and last_line <= 2 and getattr(exc, "code", None) == 3:
            raise InputError(Problem("is empty, not an XML file", source=name)) from None
        line, column = getattr(exc, "position", (None, None))
        message = str(exc).split(":")[0]
        cut = line is not None and line >= last_line and builder.stack
        raise InputError(Problem(
            f"is not well-formed XML: {message} at line {line}, column {column}"
            + (" (the file is cut short: it ends before its elements close)" if cut
               else ""), source=name, row=line,
            hint=("copy or export the whole file again" if cut else
                  f"is it {what}? export it again from the planning tool"))) from None
    if builder.root is None:
        raise InputError(Problem("is empty, not an XML file", source=name))
    return XmlDocument(builder.root, builder.namespace, name)


def _line(parser: DefusedXMLParser) -> int | None:
    try:
        return int(parser.parser.CurrentLineNumber)
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - a closed parser
        return None


def _chunks(source: Any, name: str) -> Iterator[bytes | str]:
    if isinstance(source, (bytes, bytearray)):
        yield bytes(source)
        return
    if isinstance(source, (str, os.PathLike)):
        try:
            fh = open(source, "rb")
        except OSError as exc:
            raise InputError(Problem(f"cannot be read: {exc.strerror or exc}",
                                     source=name)) from None
        with fh:
            yield from iter(lambda: fh.read(_CHUNK), b"")
        return
    if hasattr(source, "read"):
        while True:
            chunk = source.read(_CHUNK)
            if not chunk:
                return
            yield chunk
    raise InputError(Problem(f"is not a file: {type(source).__name__}", source=name))
