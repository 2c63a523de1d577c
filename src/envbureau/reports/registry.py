"""Report types: each declares the periods it covers, how it is built from the modules' own services,
and the Word document (a core.documents kind issued from an archived Report).

A build gives one `Built`: the values that fill the Word template (text, table rows, charts) and the
same content as preview blocks, where every number is a fragment that links to the records it came
from. The document's text is the preview's text without the links, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Frag = tuple[str, str | None]  # (text, link or None)


def text_of(frags: list[Frag]) -> str:
    return "".join(t for t, _h in frags)


@dataclass
class Built:
    title: str
    values: dict = field(default_factory=dict)   # template placeholders → text, rows, core.documents Image
    blocks: list = field(default_factory=list)   # preview: ("h", text) ("p", frags) ("table", header, rows) ("img", png)
    figures: dict = field(default_factory=dict)  # the numbers, as the API answers them

    def heading(self, text: str) -> None:
        self.blocks.append(("h", text))

    def para(self, frags: list[Frag]) -> str:
        self.blocks.append(("p", frags))
        return text_of(frags)

    def table(self, header: list[str], rows: list[list[Frag]]) -> None:
        self.blocks.append(("table", header, rows))

    def image(self, title: str, png: bytes) -> None:
        self.blocks.append(("img", title, png))


@dataclass(frozen=True)
class ReportType:
    code: str                      # "air_monthly"; the document kind is "reports.<code>"
    label: str                     # 环境空气质量月报
    order: int                     # `envbureau report --list` order (the monthly air bulletin first)
    build: Callable                # build(user, jurisdiction, kind, period) -> Built
    fields: tuple                  # core.documents Field tuple: the template's placeholders
    template: str                  # file under doc_templates/
    periods: tuple = ("month", "quarter", "half", "year")
    number_prefix: str = ""
    description: str = ""
    jurisdictions: Callable | None = None  # user -> jurisdictions the type has data for (else all in scope)
    has_data: Callable | None = None       # (jurisdiction, period) -> bool: scheduled runs skip empty periods
    default_period: Callable | None = None  # () -> "2016-12": what the form offers first (else this year)
    public: bool = False                   # issued reports of this type appear on the public portal


_TYPES: dict[str, ReportType] = {}


def register(t: ReportType) -> ReportType:
    _TYPES[t.code] = t
    return t


def get(code: str) -> ReportType | None:
    return _TYPES.get(code)


def types() -> list[ReportType]:
    return sorted(_TYPES.values(), key=lambda t: (t.order, t.code))
