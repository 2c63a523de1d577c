from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from envbureau.core.pickers import PickerWidget, bind_user, unknown_message
from envbureau.core.scoping import restrict

from .choices import EIACategory, PermitCategory, ReportFrequency

DATE = forms.DateInput(attrs={"type": "date"})


class EnterpriseChoice(forms.ModelChoiceField):
    """An enterprise chosen by name with the platform's scoped type-ahead picker (core.pickers), never a select of
    every enterprise; a name that is not one of the user's reads as the picker's message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", PickerWidget("enterprise"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name}({obj.jurisdiction.name})"

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(unknown_message("enterprise", value), code="invalid_choice") from None


def _enterprises(user):
    Enterprise = apps.get_model("sources", "Enterprise")  # read-only view of the registry
    return restrict(Enterprise.objects.select_related("jurisdiction").order_by("name"), user, "view")


def _enterprise_field(form, user) -> None:
    """The form's enterprise picker in the user's scope; an enterprise user's own enterprise chosen already (when the
    field is required and they have exactly one)."""
    field = form.fields["enterprise"]
    field.queryset = _enterprises(user)
    bind_user(form, user)
    if user is None or form.is_bound or not field.required or form.initial.get("enterprise"):
        return
    from envbureau.core.params import own_enterprises

    own = own_enterprises(user, "approvals")
    if len(own) == 1:
        form.initial["enterprise"] = own[0][0]


class EIAForm(forms.Form):
    enterprise = EnterpriseChoice(label=_("建设单位"), queryset=None)
    project_name = forms.CharField(label=_("项目名称"), max_length=200)
    category = forms.ChoiceField(label=_("环评类别"), choices=EIACategory.choices)
    industry_name = forms.CharField(label=_("行业"), max_length=100, required=False,
                                    help_text=_("留空取企业档案中的行业"))
    investment = forms.DecimalField(label=_("总投资(万元)"), min_value=0, max_digits=14, decimal_places=2,
                                    required=False)
    env_investment = forms.DecimalField(label=_("环保投资(万元)"), min_value=0, max_digits=14, decimal_places=2,
                                        required=False)
    location = forms.CharField(label=_("建设地点"), max_length=300, required=False)
    submitted_on = forms.DateField(label=_("申请日期"), widget=DATE, required=False, help_text=_("留空为今天"))
    commitment = forms.BooleanField(label=_("告知承诺制"), required=False,
                                    help_text=_("仅本地配置了告知承诺制的类别可选"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _enterprise_field(self, user)


LIMIT_HELP = _("每行一个污染物:排放口编号,污染物(名称),上限,下限,单位,均值周期(小时/日),许可年排放量(吨)。"
               "如 DW001,COD,100,,mg/L,小时,12.5")


class PermitForm(forms.Form):
    enterprise = EnterpriseChoice(label=_("单位"), queryset=None)
    number = forms.CharField(label=_("许可证编号"), max_length=40)
    category = forms.ChoiceField(label=_("管理类别"), choices=PermitCategory.choices)
    authority = forms.CharField(label=_("发证机关"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE)
    valid_until = forms.DateField(label=_("有效期至"), widget=DATE, required=False, help_text=_("留空为5年"))
    report_frequency = forms.ChoiceField(label=_("执行报告频次"), choices=[("", _("按管理类别"))] + list(
        ReportFrequency.choices), required=False)
    monitoring_duties = forms.CharField(label=_("自行监测要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    record_keeping = forms.CharField(label=_("环境管理台账记录要求"), widget=forms.Textarea(attrs={"rows": 2}),
                                     required=False)
    limits = forms.CharField(label=_("许可排放限值"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                             help_text=LIMIT_HELP)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _enterprise_field(self, user)


def parse_limit_lines(text: str) -> list[dict]:
    """Form lines → limit rows (clean_limits then checks each row and names it)."""
    keys = ("outlet_code", "factor", "limit_value", "lower_limit", "unit", "period", "annual_quantity")
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in line.replace(",", ",").split(",")]
        row = {k: v for k, v in zip(keys, cells) if v != ""}
        if "factor" in row:
            row["factor"] = factor_code(row["factor"])
        if "period" in row:
            row["period"] = period_code(row["period"])
        rows.append(row)
    return rows


# Averaging periods of limit lines: the code and the words a permit uses for it (a line copied from a Chinese
# permit works on an English page, and the other way round).
PERIOD_WORDS = {"hour": ("小时", "小时均值"), "day": ("日", "日均值")}


def period_word(code: str) -> str:
    """The averaging period as the reader writes it in a limit line (小时/日, hour/day)."""
    words = {"hour": pgettext("均值周期", "小时"), "day": pgettext("均值周期", "日")}
    return str(words.get(code, code))


def period_code(text: str) -> str:
    """A typed averaging period (小时, 日均值, hour, Day) → its code; anything else is returned as typed (the
    row check names it)."""
    low = text.strip().lower()
    for code, words in PERIOD_WORDS.items():
        if low == code or low in words or low == period_word(code).lower():
            return code
    return text


def factor_code(text: str) -> str:
    """A pollutant typed by its name (COD, 氨氮, SO₂) or its HJ 212 code → the code."""
    from envbureau.hj212 import codes
    from envbureau.sources.choices import FACTOR_NAMES, factor_label

    if not text:
        return text
    for code in codes.FACTORS:
        # the name in either language: a line copied from a Chinese permit works on an English page
        if text.lower() in (factor_label(code).lower(), str(FACTOR_NAMES.get(code, "")).lower()):
            return code
    return text


def limit_lines(permit) -> str:
    from envbureau.sources.choices import factor_label

    return "\n".join(",".join("" if v is None else str(v) for v in (
        lim.outlet_code, factor_label(lim.factor), lim.limit_value, lim.lower_limit, lim.unit, period_word(lim.period),
        lim.annual_quantity)) for lim in permit.limits.all())


SUBSTANCE_HELP = _("每行一种风险物质:名称,最大存在量(吨),临界量(吨)")


PROCESS_HELP = _("每行一项:工艺名称,套数[,每套分值 10 或 5];重点监管危险化工工艺每套 10 分,其他高温高压、易燃易爆工艺每套 5 分,"
                 "合计最高 30 分")
M_HELP = _("填写评估报告中的 M 值,或在下面填写其分项(二者只填一种)")
E_HELP = _("直接选择 E 等级,或在下面填写判定依据(二者只填一种)")
E_CHOICES = [("", "—"), ("E1", "E1"), ("E2", "E2"), ("E3", "E3")]


class PlanForm(forms.Form):
    enterprise = EnterpriseChoice(label=_("企业"), queryset=None)
    title = forms.CharField(label=_("预案名称"), max_length=200)
    signed_on = forms.DateField(label=_("签署发布日期"), widget=DATE)
    submitted_on = forms.DateField(label=_("提交备案日期"), widget=DATE, required=False, help_text=_("留空为今天"))
    air_substances = forms.CharField(label=_("大气环境风险物质"), widget=forms.Textarea(attrs={"rows": 3}),
                                     required=False, help_text=SUBSTANCE_HELP)
    air_m = forms.FloatField(label=_("大气:生产工艺与环境风险控制水平 M(0–100)"), min_value=0, max_value=100,
                             required=False, help_text=M_HELP)
    air_processes = forms.CharField(label=_("大气:生产工艺(M 分项)"), widget=forms.Textarea(attrs={"rows": 2}),
                                    required=False, help_text=PROCESS_HELP)
    air_items = forms.CharField(label=_("大气:环境风险防控评估项目得分(M 分项)"),
                                widget=forms.Textarea(attrs={"rows": 3}), required=False)
    air_e = forms.ChoiceField(label=_("大气:环境敏感程度 E"), choices=E_CHOICES, required=False, help_text=E_HELP)
    air_pop_5km = forms.IntegerField(label=_("大气:厂界 5 km 范围内人口数"), min_value=0, required=False)
    air_pop_500m = forms.IntegerField(label=_("大气:厂界 500 m 范围内人口数"), min_value=0, required=False)
    water_substances = forms.CharField(label=_("水环境风险物质"), widget=forms.Textarea(attrs={"rows": 3}),
                                       required=False, help_text=SUBSTANCE_HELP)
    water_m = forms.FloatField(label=_("水:生产工艺与环境风险控制水平 M(0–100)"), min_value=0, max_value=100,
                               required=False, help_text=M_HELP)
    water_processes = forms.CharField(label=_("水:生产工艺(M 分项)"), widget=forms.Textarea(attrs={"rows": 2}),
                                      required=False, help_text=PROCESS_HELP)
    water_items = forms.CharField(label=_("水:环境风险防控评估项目得分(M 分项)"),
                                  widget=forms.Textarea(attrs={"rows": 4}), required=False)
    water_e = forms.ChoiceField(label=_("水:环境敏感程度 E"), choices=E_CHOICES, required=False, help_text=E_HELP)
    water_f = forms.ChoiceField(label=_("水:受纳水体环境敏感性 F"), choices=[("", "—"), ("F1", "F1"), ("F2", "F2"),
                                                                      ("F3", "F3")], required=False)
    water_s = forms.ChoiceField(label=_("水:环境风险受体类型 S"), choices=[("", "—"), ("S1", "S1"), ("S2", "S2"),
                                                                     ("S3", "S3")], required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _enterprise_field(self, user)
        self._items_help()

    def _substances(self, name):
        rows = []
        for n, line in enumerate((self.cleaned_data.get(name) or "").splitlines(), 1):
            if not line.strip():
                continue
            cells = [c.strip() for c in line.replace(",", ",").split(",")]
            if len(cells) != 3:
                raise forms.ValidationError(_("第 %(n)s 行应为:名称,存在量,临界量") % {"n": n})
            rows.append({"name": cells[0], "quantity_t": cells[1], "critical_t": cells[2]})
        return rows

    def _items_help(self):
        from envbureau.standards import hj941

        from . import config

        tables, _source = config.hj941_tables()
        for medium, rows in tables.get("m_items", hj941.M_ITEMS).items():
            listed = pgettext("列举", "、").join(f"{_(name)}({most:g})" for name, most in rows)
            self.fields[f"{medium}_items"].help_text = _("每行一项:项目名称,得分(0 至满分)。项目及满分:%(l)s") % {"l": listed}

    def clean_air_processes(self):
        return self._parsed("air_processes", "processes")

    def clean_water_processes(self):
        return self._parsed("water_processes", "processes")

    def clean_air_items(self):
        return self._parsed("air_items", "items")

    def clean_water_items(self):
        return self._parsed("water_items", "items")

    def _parsed(self, name, kind):
        from . import emergency

        try:
            parse = emergency.parse_processes if kind == "processes" else emergency.parse_items
            return parse(self.cleaned_data.get(name) or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        d = super().clean()
        for m in ("air", "water"):
            parts = d.get(f"{m}_processes") or d.get(f"{m}_items")
            if d.get(f"{m}_m") is not None and parts:
                self.add_error(f"{m}_m", _("M 值与其分项只填一种"))
            if d.get(f"{m}_processes") and not d.get(f"{m}_items"):
                self.add_error(f"{m}_items", _("按分项计算 M 时须为每个评估项目打分"))
        facts = {"air": ("air_pop_5km", "air_pop_500m"), "water": ("water_f", "water_s")}
        for m, keys in facts.items():
            given = [k for k in keys if d.get(k) not in (None, "")]
            if given and d.get(f"{m}_e"):
                self.add_error(f"{m}_e", _("环境敏感程度 E 与其判定依据只填一种"))
            elif given and len(given) < len(keys):
                for k in keys:
                    if k not in given:
                        self.add_error(k, _("按判定依据确定 E 时须填写此项"))
        return d

    def clean_air_substances(self):
        return self._substances("air_substances")

    def clean_water_substances(self):
        return self._substances("water_substances")

    def risk(self) -> dict:
        d = self.cleaned_data
        risk = {}
        for m in ("air", "water"):
            part = {"substances": d[f"{m}_substances"]}
            if d.get(f"{m}_processes") or d.get(f"{m}_items"):
                part["m_parts"] = {"processes": d.get(f"{m}_processes") or [], "items": d.get(f"{m}_items") or {}}
            else:
                part["m"] = d.get(f"{m}_m") or 0
            facts = {"pop_5km": d.get("air_pop_5km"), "pop_500m": d.get("air_pop_500m")} if m == "air" else \
                {"f": d.get("water_f"), "s": d.get("water_s")}
            if all(v not in (None, "") for v in facts.values()):
                part["e_parts"] = facts
            else:
                part["e"] = d.get(f"{m}_e") or "E3"
            risk[m] = part
        return risk


class CheckForm(forms.Form):
    enterprise = EnterpriseChoice(label=_("企业"), queryset=None)
    round_name = forms.CharField(label=_("排查轮次"), max_length=100, help_text=_("如 2026年重点环境风险源企业第一轮"))
    checked_on = forms.DateField(label=_("排查日期"), widget=DATE)
    checkers = forms.CharField(label=_("排查人员"), max_length=200, required=False)
    findings = forms.CharField(label=_("发现隐患"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               help_text=_("每行一个隐患;每个隐患转为问题台账的一个问题"))
    deadline = forms.DateField(label=_("整改时限"), widget=DATE, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _enterprise_field(self, user)


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("事件名称"), max_length=200)
    kind = forms.CharField(label=_("事件类型"), max_length=60, help_text=_("如 水污染、大气污染、危化品泄漏"))
    level = forms.ChoiceField(label=_("事件等级"), choices=[])
    enterprise = EnterpriseChoice(label=_("涉事企业"), queryset=None, required=False)
    jurisdiction = forms.ModelChoiceField(label=_("属地"), queryset=None, required=False,
                                          help_text=_("无涉事企业时必选"))
    location = forms.CharField(label=_("地点"), max_length=300, required=False)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    description = forms.CharField(label=_("事件概况"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        from envbureau.core.scoping import allowed_jurisdictions

        from .choices import IncidentLevel

        super().__init__(*args, **kwargs)
        _enterprise_field(self, user)
        self.fields["jurisdiction"].queryset = allowed_jurisdictions(user, "approvals", "emergency")
        self.fields["level"].choices = IncidentLevel.choices


class DutyForm(forms.ModelForm):
    class Meta:
        from .models import DutyShift

        model = DutyShift
        fields = ["day", "role", "person", "phone", "jurisdiction"]
        widgets = {"day": DATE}


class PreReviewForm(forms.Form):
    origin = forms.ChoiceField(label=_("项目来源"), choices=[])
    project_name = forms.CharField(label=_("项目名称"), max_length=200)
    enterprise = EnterpriseChoice(label=_("企业(已登记的)"), queryset=None, required=False,
                                  help_text=_("已在污染源企业中登记的单位可选择,预审记入其一企一档"))
    applicant = forms.CharField(label=_("申报单位"), max_length=200, required=False,
                                help_text=_("未选择企业时必填(如尚未注册的招商项目)"))
    jurisdiction = forms.ModelChoiceField(label=_("属地"), queryset=None, required=False,
                                          help_text=_("未选择企业时必选"))
    industry_name = forms.CharField(label=_("行业"), max_length=100)
    location = forms.CharField(label=_("拟建地点"), max_length=300, required=False)
    investment = forms.DecimalField(label=_("总投资(万元)"), min_value=0, max_digits=14, decimal_places=2,
                                    required=False)
    zoning_category = forms.ChoiceField(label=_("管控单元类别"), choices=[], required=False)
    zoning_unit = forms.CharField(label=_("所在管控单元"), max_length=200, required=False,
                                  help_text=_("三线一单生态环境管控单元名称或编码"))
    summary = forms.CharField(label=_("项目概况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label=_("收件日期"), widget=DATE, required=False, help_text=_("留空为今天"))

    def __init__(self, *args, user=None, **kwargs):
        from envbureau.core.scoping import allowed_jurisdictions

        from .choices import PreReviewOrigin, ZoningCategory

        super().__init__(*args, **kwargs)
        self.fields["origin"].choices = PreReviewOrigin.choices
        self.fields["zoning_category"].choices = [("", "—"), *ZoningCategory.choices]
        _enterprise_field(self, user)
        self.fields["jurisdiction"].queryset = allowed_jurisdictions(user, "approvals", "add")
