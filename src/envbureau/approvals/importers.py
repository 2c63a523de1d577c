"""Import of existing discharge permits (all-or-nothing, row-level errors) through core.importing typed columns:
one row per permitted pollutant; the permit's own columns repeat on each of its rows (the first row gives
them, a later row that contradicts it is an error). Each permit is issued through permits.issue, so its limits
become the online-monitoring limits exactly as when issued on the page."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from envbureau.core import texts
from envbureau.core.importing import (
    ChoiceColumn,
    Column,
    DateColumn,
    Importer,
    JurisdictionColumn,
    NumberColumn,
    RefColumn,
    RowError,
    RowErrors,
    register,
)
from envbureau.core.scoping import restrict

from . import permits
from .choices import (
    LimitPeriod,
    PermitCategory,
    PreReviewConclusion,
    PreReviewOrigin,
    ReportFrequency,
    RiskLevel,
    ZoningCategory,
)
from .models import EmergencyPlan, Permit, PreReview

PERMIT_KEYS = ("enterprise", "category", "issued_on", "valid_until", "report_frequency", "authority")


def _enterprises(ctx):
    qs = apps.get_model("sources", "Enterprise").objects.all()  # the registry, read through scoping
    return qs if ctx.user is None else restrict(qs, ctx.user, "view")


@register
class PermitImporter(Importer):
    kind = "approvals.permit"
    label = _("排污许可证(含许可排放限值)")
    module = "approvals"
    columns = [
        Column("number", _("许可证编号"), required=True, example="91110101MA01DC0101001P", max_length=40),
        RefColumn("enterprise", _("排污单位"), required=True, example="91110101MA01DC0101", queryset=_enterprises,
                  fields=("credit_code", "name"), help=_("统一社会信用代码或企业名称(须已在污染源企业中登记)"),
                  aliases=("统一社会信用代码", "单位名称", "企业名称")),
        ChoiceColumn("category", _("管理类别"), required=True, example="重点管理", choices=PermitCategory.choices,
                     synonyms=(("重点", "key"), ("简化", "simplified"), ("登记", "registration"))),
        DateColumn("issued_on", _("发证日期"), required=True, example="2024-03-01"),
        DateColumn("valid_until", _("有效期至"), example="2029-02-28", help=_("留空为发证日起5年")),
        ChoiceColumn("report_frequency", _("执行报告频次"), choices=ReportFrequency.choices,
                     synonyms=(("月报", "monthly"), ("季报", "quarterly"), ("年报", "annual")),
                     help=_("留空按管理类别")),
        Column("authority", _("发证机关"), max_length=100),
        Column("outlet_code", _("排放口编号"), example="DW001", max_length=30),
        Column("outlet_name", _("排放口名称"), example="废水总排口", max_length=100),
        Column("factor", _("污染物代码"), example="w01018", max_length=10, help=_("HJ 212-2017 代码")),
        NumberColumn("limit_value", _("许可排放浓度"), example="100", min=0),
        NumberColumn("lower_limit", _("下限"), min=0),
        Column("unit", _("浓度单位"), example="mg/L", max_length=20),
        ChoiceColumn("period", _("均值周期"), choices=LimitPeriod.choices, example="小时均值",
                     synonyms=(("小时", "hour"), ("日", "day"))),
        NumberColumn("annual_quantity", _("许可年排放量(吨)"), example="12.5", min=0),
    ]

    def clean_row(self, values, ctx):
        if values.get("factor") or values.get("outlet_code"):
            row = {k: values.get(k) for k in ("outlet_code", "outlet_name", "factor", "unit", "period", "limit_value",
                                              "lower_limit", "annual_quantity") if values.get(k) not in (None, "")}
            try:
                permits.clean_limits([row])
            except ValidationError as exc:
                raise RowError("factor", ";".join(exc.messages).replace("第 1 行", "").strip()) from None
        return values

    def check_batch(self, cleaned, rownums, ctx):
        first, seen, errors = {}, {}, []
        for row, n in zip(cleaned, rownums):
            number = row["number"]
            if number not in first:
                first[number] = (n, row)
                if Permit.objects.filter(number=number).exists():
                    errors.append({"row": n, "column": str(_("许可证编号")), "value": number,
                                   "message": str(_("许可证编号已存在;变更请在许可证页面办理"))})
            else:
                n0, row0 = first[number]
                for key in PERMIT_KEYS:
                    if row.get(key) not in (None, "") and row.get(key) != row0.get(key):
                        errors.append({"row": n, "column": self._label_of(key), "value": str(row.get(key)),
                                       "message": str(_("与第 %(r)s 行同一许可证的值不一致") % {"r": n0})})
            if row.get("factor"):
                key = (number, row.get("outlet_code"), row.get("factor"), row.get("period") or "hour")
                if key in seen:
                    errors.append({"row": n, "column": str(_("污染物代码")), "value": row["factor"],
                                   "message": str(_("与第 %(r)s 行重复") % {"r": seen[key]})})
                seen[key] = n
        return errors

    def save_rows(self, cleaned, ctx):
        rownums = ctx.state.get("_rownums") or [i + 2 for i in range(len(cleaned))]
        groups: dict[str, list] = {}
        for n, row in zip(rownums, cleaned):
            groups.setdefault(row["number"], []).append((n, row))
        errors = []
        for number, rows in groups.items():
            n0, head = rows[0]
            limits = [{k: r.get(k) for k in ("outlet_code", "outlet_name", "factor", "unit", "period", "limit_value",
                                             "lower_limit", "annual_quantity") if r.get(k) not in (None, "")}
                      for _n, r in rows if r.get("factor")]
            try:
                permits.issue(ctx.user, enterprise_id=head["enterprise"].pk, number=number, category=head["category"],
                              issued_on=head["issued_on"], valid_until=head.get("valid_until"),
                              authority=head.get("authority") or "", report_frequency=head.get("report_frequency") or "",
                              limits=limits)
            except PermissionDenied:
                errors.append({"row": n0, "column": "", "value": number, "message": str(_("超出您的权限范围"))})
            except ValidationError as exc:
                errors.extend(self.errors_of(exc, n0))
            ctx.saved(len(rows))
        if errors:
            raise RowErrors(errors)
        return {"rows": len(cleaned), "created": len(groups)}


# ---- existing emergency plans ------------------------------------------------------------------------------

E_CLASSES = (("E1", "E1"), ("E2", "E2"), ("E3", "E3"))
MEDIA_COLUMNS = {"air": ("air_q", "air_m", "air_e"), "water": ("water_q", "water_m", "water_e")}


PART_COLUMNS = {"air": ("air_processes", "air_m_items", ("air_pop_5km", "air_pop_500m")),
                "water": ("water_processes", "water_m_items", ("water_f", "water_s"))}


def plan_risk(values) -> dict:
    """The submit_plan risk inputs from the plan's recorded Q, M and E per medium: the recorded Q stands as one
    entry (Q ÷ 1), so hj941 grades it and shows the working exactly as for a plan submitted on the page. M is the
    recorded score or its parts (processes, item scores: parsed by clean_row), E the recorded class or its facts
    (population within 5 km / 500 m; water F and S)."""
    risk = {}
    for medium, (q, m, e) in MEDIA_COLUMNS.items():
        subs = [] if not values.get(q) else [{"name": str(_("备案时评估的Q值")), "quantity_t": values[q], "critical_t": 1}]
        procs, items, facts = PART_COLUMNS[medium]
        part = {"substances": subs}
        if values.get(procs) or values.get(items):
            part["m_parts"] = {"processes": values.get(procs) or [], "items": values.get(items) or {}}
        else:
            part["m"] = values.get(m) or 0
        if all(values.get(k) not in (None, "") for k in facts):
            part["e_parts"] = dict(zip(("pop_5km", "pop_500m") if medium == "air" else ("f", "s"),
                                       (values[k] for k in facts)))
        else:
            part["e"] = values.get(e) or "E3"
        risk[medium] = part
    return risk


@register
class EmergencyPlanImporter(Importer):
    """Plans filed before the platform (one row per plan): the risk level is recomputed by HJ 941 from the
    recorded Q, M and E of each medium; a recorded (officially filed) level is kept, and where it differs from
    the computed one the plan and the import report say so (a warning, not an error); a plan with
    a filing date is filed with its original filing number. All-or-nothing; each error names its row and column."""

    kind = "approvals.emergencyplan"
    label = _("突发环境事件应急预案(既有备案)")
    module = "approvals"
    columns = [
        RefColumn("enterprise", _("企业"), required=True, example="91110101MA01DC0101", queryset=_enterprises,
                  fields=("credit_code", "name"), help=_("统一社会信用代码或企业名称(须已在污染源企业中登记)"),
                  aliases=("统一社会信用代码", "企业名称", "单位名称")),
        Column("title", _("预案名称"), required=True, example="突发环境事件应急预案(2024版)", max_length=200),
        DateColumn("signed_on", _("签署发布日期"), required=True, example="2024-03-01"),
        DateColumn("submitted_on", _("提交备案日期"), example="2024-03-15", help=_("留空同签署发布日期")),
        DateColumn("filed_on", _("备案日期"), example="2024-03-20", help=_("留空为待备案")),
        Column("filing_no", _("备案编号"), example="110101-2024-017", max_length=40),
        NumberColumn("air_q", _("大气Q值"), example="4.5", min=0),
        NumberColumn("air_m", _("大气M值"), example="30", min=0, max=100),
        ChoiceColumn("air_e", _("大气E"), choices=E_CLASSES, example="E1"),
        NumberColumn("water_q", _("水Q值"), example="0.6", min=0),
        NumberColumn("water_m", _("水M值"), example="30", min=0, max=100),
        ChoiceColumn("water_e", _("水E"), choices=E_CLASSES, example="E2"),
        ChoiceColumn("risk_level", _("环境风险等级"), choices=RiskLevel.choices, example="较大",
                     synonyms=(("一般", "一般"), ("较大", "较大"), ("重大", "重大")),
                     help=_("备案时的等级;与按 Q、M、E 计算的等级不一致时保留备案等级并提示")),
        Column("air_processes", _("大气生产工艺"), example="",
               help=_("不填大气M值时按分项计算:工艺名称,套数[,每套分值];多项以分号分隔,如 加氢,2;导热油加热,1,5")),
        Column("air_m_items", _("大气风险防控项目得分"), example="",
               help=_("按分项计算M时为每个评估项目打分:项目名称,得分;多项以分号分隔")),
        NumberColumn("air_pop_5km", _("大气5公里内人口"), example="", min=0, integer=True,
                     help=_("不填大气E时按人口判定(与500米内人口同填)")),
        NumberColumn("air_pop_500m", _("大气500米内人口"), example="", min=0, integer=True),
        Column("water_processes", _("水生产工艺"), example="", help=_("同大气生产工艺")),
        Column("water_m_items", _("水风险防控项目得分"), example="", help=_("同大气风险防控项目得分")),
        ChoiceColumn("water_f", _("水F"), choices=(("F1", "F1"), ("F2", "F2"), ("F3", "F3")), example="",
                     help=_("不填水E时按受纳水体敏感性F与风险受体类型S判定(二者同填)")),
        ChoiceColumn("water_s", _("水S"), choices=(("S1", "S1"), ("S2", "S2"), ("S3", "S3")), example=""),
    ]

    def clean_row(self, values, ctx):
        from . import emergency

        for medium, (q, m, e) in MEDIA_COLUMNS.items():
            procs, items, facts = PART_COLUMNS[medium]
            for col in (procs, items):
                try:
                    parse = emergency.parse_processes if col == procs else emergency.parse_items
                    values[col] = parse(values.get(col) or "")
                except ValueError as exc:
                    raise RowError(col, str(exc)) from None
            if values.get(m) is not None and (values[procs] or values[items]):
                raise RowError(m, _("M 值与其分项(生产工艺、风险防控项目得分)只填一种"))
            if values[procs] and not values[items]:
                raise RowError(items, _("按分项计算 M 时须为每个评估项目打分"))
            given = [k for k in facts if values.get(k) not in (None, "")]
            if given and values.get(e) is not None:
                raise RowError(e, _("环境敏感程度 E 与其判定依据只填一种"))
            if given and len(given) < len(facts):
                raise RowError(next(k for k in facts if k not in given), _("按判定依据确定 E 时须填写此项"))
            if values.get(q) is not None and values[q] >= 1 and values.get(e) is None and not given:
                raise RowError(e, _("Q≥1 时须填写环境敏感程度 E1–E3 或其判定依据"))
        if values.get("submitted_on") and values["submitted_on"] < values["signed_on"]:
            raise RowError("submitted_on", _("提交备案日期早于签署发布日期"))
        if values.get("filed_on") and values["filed_on"] < (values.get("submitted_on") or values["signed_on"]):
            raise RowError("filed_on", _("备案日期早于提交备案日期"))
        if values.get("filing_no") and not values.get("filed_on"):
            raise RowError("filed_on", _("有备案编号时须填写备案日期"))
        try:
            result = emergency.assess(plan_risk(values))
        except ValidationError as exc:
            # name the column the wrong part came from (air.m → the item scores or the processes, air.e → E's facts)
            for key, msgs in exc.message_dict.items():
                medium, _dot, what = key.partition(".")
                if medium in PART_COLUMNS and what in ("m", "e"):
                    procs, items, facts = PART_COLUMNS[medium]
                    text = "; ".join(msgs)
                    about_process = "套数" in text or "每套分值" in text
                    col = ((procs if about_process or not values[items] else items) if what == "m"
                           else facts[0])
                    raise RowError(col, text) from None
            raise
        if values.get("risk_level") and values["risk_level"] != result.level:
            # the officially filed level stands; the difference is flagged on the plan and in the report
            ctx.warn("risk_level", _("备案等级 %(f)s 与按 Q、M、E 计算的等级不一致:%(l)s;保留备案等级") % {
                "f": values["risk_level"], "l": result.label}, values["risk_level"])
        return values

    def check_batch(self, cleaned, rownums, ctx):
        errors, seen = [], {}
        for row, n in zip(cleaned, rownums):
            key = (row["enterprise"].pk, row["title"], row["signed_on"])
            if key in seen:
                errors.append({"row": n, "column": str(_("预案名称")), "value": row["title"],
                               "message": str(_("与第 %(r)s 行重复") % {"r": seen[key]})})
            elif EmergencyPlan.objects.filter(enterprise_id=key[0], title=key[1], signed_on=key[2]).exists():
                errors.append({"row": n, "column": str(_("预案名称")), "value": row["title"],
                               "message": str(_("该企业同名、同签署日期的预案已存在"))})
            seen[key] = n
            if row.get("filing_no") and EmergencyPlan.objects.filter(filing_no=row["filing_no"]).exists():
                errors.append({"row": n, "column": str(_("备案编号")), "value": row["filing_no"],
                               "message": str(_("备案编号已存在"))})
        return errors

    def save_rows(self, cleaned, ctx):
        from envbureau.core import workflow as wf

        from . import emergency

        rownums = ctx.state.get("_rownums") or [i + 2 for i in range(len(cleaned))]
        errors, filed = [], 0
        # oldest first, so a later filed plan of the same enterprise supersedes an earlier one as on the page
        for n, row in sorted(zip(rownums, cleaned), key=lambda x: (x[1]["signed_on"], x[0])):
            try:
                plan = emergency.submit_plan(ctx.user, enterprise_id=row["enterprise"].pk, title=row["title"],
                                             signed_on=row["signed_on"], risk=plan_risk(row),
                                             submitted_on=row.get("submitted_on") or row["signed_on"],
                                             filed_level=row.get("risk_level"))
                if row.get("filed_on"):
                    wf.apply(ctx.user, plan, "file", filed_on=row["filed_on"].isoformat(),
                             note=texts.sentence(gettext_noop("既有备案导入")))
                    filed += 1
                    if row.get("filing_no"):
                        plan.refresh_from_db()
                        plan.filing_no = row["filing_no"]
                        plan.save(update_fields=["filing_no"])
            except PermissionDenied:
                errors.append({"row": n, "column": "", "value": row["title"], "message": str(_("超出您的权限范围"))})
            except ValidationError as exc:
                errors.extend(self.errors_of(exc, n))
            ctx.saved(1)
        if errors:
            raise RowErrors(errors)
        return {"rows": len(cleaned), "created": len(cleaned), "filed": filed}


# ---- project pre-reviews (项目预审) --------------------------------------------------------------------------

@register
class PreReviewImporter(Importer):
    """Pre-reviews kept in a spreadsheet (one row per project): each is registered through prereview.register
    (clock, timeline, dossier) and, when the row carries a conclusion, concluded through the workflow's own verb.
    All-or-nothing; each error names its row and column; a project already registered (same name, applicant and
    receipt date) is refused rather than counted twice."""

    kind = "approvals.prereview"
    label = _("项目预审(招商引资、工业内生项目)")
    module = "approvals"
    columns = [
        ChoiceColumn("origin", _("项目来源"), required=True, example="招商引资项目", choices=PreReviewOrigin.choices,
                     synonyms=(("招商引资", "investment"), ("招商", "investment"), ("工业内生", "internal"),
                               ("内生", "internal"))),
        Column("project_name", _("项目名称"), required=True, example="年产5万吨新型包装材料项目", max_length=200),
        RefColumn("enterprise", _("企业"), queryset=_enterprises, fields=("credit_code", "name"),
                  help=_("已在污染源企业中登记的单位(统一社会信用代码或名称),可留空"),
                  aliases=("统一社会信用代码",)),
        Column("applicant", _("申报单位"), example="某某新材料有限公司", max_length=200, help=_("未填企业时必填")),
        JurisdictionColumn("jurisdiction", _("属地"), example="东城区", actions=("add",), help=_("未填企业时必填")),
        Column("industry_name", _("行业"), required=True, example="塑料制品业", max_length=100),
        Column("location", _("拟建地点"), max_length=300),
        NumberColumn("investment", _("总投资(万元)"), example="12000", min=0, decimal=True),
        ChoiceColumn("zoning_category", _("管控单元类别"), choices=ZoningCategory.choices, example="重点管控单元",
                     synonyms=(("优先保护", "priority"), ("重点管控", "key"), ("一般管控", "general"))),
        Column("zoning_unit", _("所在管控单元"), max_length=200),
        Column("summary", _("项目概况")),
        DateColumn("received_on", _("收件日期"), required=True, example="2026-03-02"),
        ChoiceColumn("conclusion", _("预审结论"), choices=PreReviewConclusion.choices, example="同意",
                     help=_("留空为待预审")),
        Column("reasons", _("预审意见及理由"), help=_("不同意或有条件同意时必填")),
        DateColumn("concluded_on", _("出具意见日期"), example="2026-03-06", help=_("有预审结论时必填")),
    ]

    def clean_row(self, values, ctx):
        if not values.get("enterprise"):
            if not values.get("applicant"):
                raise RowError("applicant", _("未填企业时须填写申报单位"))
            if not values.get("jurisdiction"):
                raise RowError("jurisdiction", _("未填企业时须填写属地"))
        if values.get("conclusion"):
            if not values.get("concluded_on"):
                raise RowError("concluded_on", _("有预审结论时须填写出具意见日期"))
            if values["concluded_on"] < values["received_on"]:
                raise RowError("concluded_on", _("出具意见日期早于收件日期"))
            if values["conclusion"] != PreReviewConclusion.AGREE and not values.get("reasons"):
                raise RowError("reasons", _("不同意或有条件同意时须写明理由或条件"))
        elif values.get("concluded_on"):
            raise RowError("conclusion", _("有出具意见日期时须填写预审结论"))
        return values

    @staticmethod
    def _applicant(row):
        return row["enterprise"].name if row.get("enterprise") else row.get("applicant")

    def check_batch(self, cleaned, rownums, ctx):
        errors, seen = [], {}
        for row, n in zip(cleaned, rownums):
            key = (row["project_name"], self._applicant(row), row["received_on"])
            if key in seen:
                errors.append({"row": n, "column": str(_("项目名称")), "value": row["project_name"],
                               "message": str(_("与第 %(r)s 行重复") % {"r": seen[key]})})
            elif PreReview.objects.filter(project_name=key[0], applicant=key[1], received_on=key[2]).exists():
                errors.append({"row": n, "column": str(_("项目名称")), "value": row["project_name"],
                               "message": str(_("该单位同名、同收件日期的项目预审已登记"))})
            seen[key] = n
        return errors

    def save_rows(self, cleaned, ctx):
        from envbureau.core import workflow as wf

        from . import prereview

        rownums = ctx.state.get("_rownums") or [i + 2 for i in range(len(cleaned))]
        errors, concluded = [], 0
        for n, row in zip(rownums, cleaned):
            try:
                r = prereview.register(
                    ctx.user, origin=row["origin"], project_name=row["project_name"],
                    applicant=row.get("applicant") or "", industry_name=row["industry_name"],
                    enterprise_id=row["enterprise"].pk if row.get("enterprise") else None,
                    jurisdiction=row.get("jurisdiction"), location=row.get("location") or "",
                    investment=row.get("investment"), zoning_category=row.get("zoning_category") or "",
                    zoning_unit=row.get("zoning_unit") or "", summary=row.get("summary") or "",
                    received_on=row["received_on"])
                if row.get("conclusion"):
                    wf.apply(ctx.user, r, "conclude", conclusion=row["conclusion"], reasons=row.get("reasons") or "",
                             concluded_on=row["concluded_on"].isoformat(), note=texts.sentence(gettext_noop("预审台账导入")))
                    concluded += 1
            except PermissionDenied:
                errors.append({"row": n, "column": "", "value": row["project_name"],
                               "message": str(_("超出您的权限范围"))})
            except ValidationError as exc:
                errors.extend(self.errors_of(exc, n))
            ctx.saved(1)
        if errors:
            raise RowErrors(errors)
        return {"rows": len(cleaned), "created": len(cleaned), "concluded": concluded}
