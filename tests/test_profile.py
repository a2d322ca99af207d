"""单位概况: 主要职能, 内设机构, 下属单位, 人员情况 on the seeds and inline texts."""

from __future__ import annotations

from yusuan.ingest.text import lines_from_text
from yusuan.model import Staffing
from yusuan.parsing.blocks import Layout
from yusuan.parsing.narrative import parse_narrative
from yusuan.parsing.profile import staffing_from_text

from .test_narrative import meta, narrative


def test_seed000_profile():
    p = narrative("000").profile
    assert p.departments == ("行政办公室", "待遇科", "征缴科", "基金财务科")
    assert p.subordinates == ()
    assert len(p.functions) == 5
    assert p.functions[2] == "组织实施医疗保障基金监督管理办法"
    s = p.staffing
    assert (s.authorized, s.actual, s.in_service, s.retired, s.retired_early) == (15, 14, 12, 2, 0)
    assert s.changes == ("在职减少2人", "退休增加2人", "离休增加0人")


def test_seed004_profile_numbered_functions_and_wrapped_staffing():
    p = narrative("004").profile
    assert len(p.functions) == 11
    assert p.functions[0] == (
        "贯彻实施国家、自治区、自治州医疗保险、生育保险、大病医疗补助、公务员医疗补助、医疗救助等业务经办和监督服务。"
    )
    assert p.departments[-1] == "基金财务管理科" and len(p.departments) == 7
    s = p.staffing
    # 实有 20 but 在职 17 + 退休 3: printed as is.
    assert (s.authorized, s.actual, s.in_service, s.retired, s.retired_early) == (18, 20, 17, 3, 0)
    assert s.changes[0] == "在职减少1人"


def test_seed002_profile_admin_and_institution_posts():
    p = narrative("002").profile
    assert p.departments == ("办公室", "基金财务科", "业务经办大厅")
    assert p.functions[0] == "主要负责全县城镇职工、城乡居民基本医疗保险、大病保险的业务工作"
    s = p.staffing
    assert (s.authorized, s.authorized_admin, s.authorized_institution, s.actual) == (14, 0, 14, 12)
    assert s.retired is None  # "离退休人员 1 人" does not separate 离休 from 退休


def test_seed001_functions_stop_at_next_topic():
    functions = narrative("001").profile.functions
    assert functions[0].startswith("拟订全县城镇职工和城乡居民医疗保险")
    assert not any("机构设置" in f for f in functions)


def test_inline_subordinates_and_staffing():
    text = (
        "一、机构设置及人员情况\n"
        "本局下属单位有：县医保中心、县医疗救助站。编制数 9 人，实有人数 8 人，在职 7 人，退休 1 人。\n"
    )
    result, _ = parse_narrative(Layout(blocks=(), narrative=lines_from_text(text)), (), meta())
    assert result.profile.subordinates == ("县医保中心", "县医疗救助站")
    assert result.profile.staffing.authorized == 9
    assert staffing_from_text("没有人员数据") == Staffing()
