"""Writes the first Word template of the waste documents (run once; the .docx file is committed; the bureau
replaces it on the document-types page). Usage: python src/envbureau/waste/doc_templates/make_templates.py"""

from pathlib import Path

from envbureau.core.documents.authoring import write_letters

HERE = Path(__file__).parent

TEMPLATES = {
    "cross_province_approval.docx": ("关于同意跨省转移危险废物的批复", "{{ producer }}：", [
        ("审批文号", "approval_number"), ("移出单位", "producer"), ("接受单位", "receiver"),
        ("接受地省份代码", "receiver_province"), ("废物代码", "waste_code"), ("废物名称", "waste_name"),
        ("批准转移量", "tonnes"), ("利用处置方式", "method"), ("申请提交日期", "submitted_on"),
        ("接受地省级部门回复日期", "reply_on"), ("批准日期", "decided_on"), ("有效期至", "valid_until")],
        "经审查并商接受地省级生态环境主管部门同意，准予你单位在有效期内按上述种类和数量跨省转移危险废物，"
        "可分次转移。转移时应当运行危险废物电子转移联单。废物种类、数量、利用处置方式或接受单位发生变化的，"
        "应当重新提出申请。如不服本决定，可在收到本批复之日起六十日内申请行政复议，或者六个月内依法提起行政诉讼。"),
}

if __name__ == "__main__":
    write_letters(TEMPLATES, HERE)
