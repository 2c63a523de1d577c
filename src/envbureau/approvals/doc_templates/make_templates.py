"""Writes the first Word templates of approvals documents (run once; the .docx files are committed).
Usage: python src/envbureau/approvals/doc_templates/make_templates.py"""

from pathlib import Path

from envbureau.core.documents.authoring import write_letters

HERE = Path(__file__).parent

TEMPLATES = {
    "eia_acceptance.docx": ("建设项目环境影响评价文件受理通知书", "{{ builder }}：", [
        ("申请编号", "code"), ("项目名称", "project"), ("环评类别", "category"), ("申请日期", "submitted_on"),
        ("受理日期", "accepted_on"), ("审批时限", "limit"), ("应办结日期", "due"), ("受理公示截止", "notice_until")],
        "你单位报送的上述建设项目环境影响评价文件材料齐全，符合法定形式，决定予以受理。"
        "技术评估、专家评审和听证所需时间不计入审批时限。"),
    "eia_approval.docx": ("关于{{ project }}环境影响评价文件的批复", "{{ builder }}：", [
        ("申请编号", "code"), ("项目名称", "project"), ("建设地点", "location"), ("环评类别", "category"),
        ("总投资", "investment"), ("环保投资", "env_investment"), ("技术评估意见", "expert_opinion"),
        ("审批意见", "decision"), ("批复意见及要求", "conditions"), ("审批日期", "decided_on")],
        "项目建成后，你单位应按规定开展竣工环境保护验收，验收合格后方可投入生产或者使用。"
        "如不服本决定，可在收到本批复之日起六十日内申请行政复议，或者六个月内依法提起行政诉讼。"),
}

if __name__ == "__main__":
    write_letters(TEMPLATES, HERE)
