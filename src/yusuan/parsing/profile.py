"""单位概况 from the narrative: 主要职能 items, 内设机构, 下属单位 and 人员情况 (Staffing)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from yusuan.model import NarrativeSection, Profile, Source, Staffing
from yusuan.text import clean_cjk_spaces, squash, strip_numbering

__all__ = ["extract_profile", "staffing_from_text"]

_FUNCTION_HEADING = re.compile(r"主要职能|主要职责|单位职责|部门职责|职能职责")
_DEPT_HEADING = re.compile(r"内设机构|内设科室")
_ITEM = re.compile(r"^\d{1,2}(?:、|\.(?!\d))|^\(\d{1,2}\)")
_FUNCTION_LEAD = re.compile(r"^.{0,30}?(?:主要职责|主要职能|单位职责|职责)(?:是|为|如下|包括)?[:：]?")
_DEPTS = re.compile(r"(?:下设|内设)[^。;]*?(?:科室|机构|股室|部门)[^。;:]*?(?:分别是|分别为|包括|为|有)[:：]([^。;]+)")
_SUBORDINATES = re.compile(r"下属(?:预算)?单位(?:有|包括|分别是|分别为|为)[:：]?([^。;]+)")
_NONE_SUBORDINATE = re.compile(r"无下属(?:预算)?单位")
_NEXT_TOPIC = re.compile(r"^(?:机构设置|人员情况|内设机构|人员编制)[:：]?")
_COUNT_SUFFIX = re.compile(r"\s*(?:等)?\s*\d+\s*个(?:科室|股室|机构|部门)?\s*$")


def extract_profile(sections: Sequence[NarrativeSection], unit_name: str | None = None) -> Profile:
    profile_sections = [s for s in sections if s.topic == "profile"]
    scope = profile_sections or list(sections)
    return Profile(
        functions=_functions(profile_sections),
        departments=_departments(scope),
        subordinates=_subordinates(scope),
        staffing=_staffing(scope),
    )


def _functions(sections: Sequence[NarrativeSection]) -> tuple[str, ...]:
    for section in sections:
        if not section.text or not _FUNCTION_HEADING.search(squash(section.heading)):
            continue
        paras = []
        for p in section.text.split("\n"):
            if _NEXT_TOPIC.match(p.strip()):
                break
            if p.strip():
                paras.append(p.strip())
        numbered = [p for p in paras if _ITEM.match(p)]
        if len(numbered) >= 2:
            return tuple(strip_numbering(p).strip() for p in numbered)
        text = _FUNCTION_LEAD.sub("", " ".join(paras), count=1)
        items = [clean_cjk_spaces(x).strip(" 。") for x in re.split(r"[;；]", text)]
        return tuple(x for x in items if x)
    return ()


def _departments(sections: Sequence[NarrativeSection]) -> tuple[str, ...]:
    for section in sections:
        m = _DEPTS.search(section.text)
        if m:
            return _split_names(m.group(1))
    for section in sections:
        if _DEPT_HEADING.search(squash(section.heading)) and section.text:
            first = section.text.split("\n")[0]
            return _split_names(_COUNT_SUFFIX.sub("", first))
    return ()


def _subordinates(sections: Sequence[NarrativeSection]) -> tuple[str, ...]:
    for section in sections:
        m = _SUBORDINATES.search(section.text)
        if m and not _NONE_SUBORDINATE.search(section.text):
            return _split_names(m.group(1))
    return ()


def _split_names(text: str) -> tuple[str, ...]:
    parts = re.split(r"[、,，]|和|及", text.strip(" 。"))
    return tuple(p.strip() for p in (clean_cjk_spaces(x) for x in parts) if p.strip())


# --------------------------------------------------------------------------- staffing

_NUM = r"\s*(\d+)\s*(?:人|名)?"
_AUTHORIZED = re.compile(r"编制(?:数|人数)?(?:为|共)?" + _NUM)
_ADMIN = re.compile(r"行政编制(?:数)?" + _NUM)
_INSTITUTION = re.compile(r"事业编制(?:数)?" + _NUM)
# The other kinds of 编制 printed beside 行政/事业 as parts of the total.
_KIND = re.compile(r"(行政附属|机关工勤|工勤人员|工勤|后勤服务|政法专项|老干部|其他)编制(?:数)?\s*(\d+)\s*(?:人|名)")
_ACTUAL = re.compile(r"实有(?:人数|人员)(?:为|共)?" + _NUM)
_IN_SERVICE = re.compile(r"在职(?:人员|人数)?(?:为)?" + _NUM)
_RETIRED = re.compile(r"(?<!离)退休(?:人员|人数)?(?:为)?" + _NUM)
_EARLY = re.compile(r"离休(?:人员|人数)?(?:为)?" + _NUM)
_CHANGE = re.compile(r"(在职|退休|离休|编制|实有人数)[^,;，；。]*?\d+\s*人\s*[,，]\s*(增加|减少)\s*(\d+)\s*人")


def _staffing(sections: Sequence[NarrativeSection]) -> Staffing:
    for section in sections:
        staffing = staffing_from_text(section.text, section.source)
        if staffing.authorized is not None or staffing.actual is not None:
            return staffing
    return Staffing()


def staffing_from_text(text: str, source: Source | None = None) -> Staffing:
    """人员情况 from sentences like "编制数 15，实有人数 14 人，其中：在职 12 人，减少 2 人；…"."""
    flat = text.replace("\n", "")

    def first(pattern: re.Pattern[str]) -> int | None:
        m = pattern.search(flat)
        return int(m.group(1)) if m else None

    authorized = None
    for m in _AUTHORIZED.finditer(flat):
        # "行政编制 0 人" is a part, not the total.
        if flat[max(0, m.start() - 2) : m.start()] not in ("行政", "事业"):
            authorized = int(m.group(1))
            break
    others = [int(m.group(2)) for m in _KIND.finditer(flat)]
    return Staffing(
        authorized=authorized,
        authorized_admin=first(_ADMIN),
        authorized_institution=first(_INSTITUTION),
        authorized_other=sum(others) if others else None,
        actual=first(_ACTUAL),
        in_service=first(_IN_SERVICE),
        retired=first(_RETIRED),
        retired_early=first(_EARLY),
        changes=tuple(f"{m.group(1)}{m.group(2)}{m.group(3)}人" for m in _CHANGE.finditer(flat)),
        source=source or Source(),
    )
