from django import forms
from django.utils.translation import gettext_lazy as _

from envbureau.core.pickers import PickerWidget

from .models import DrawPlan, InspectionItem, Inspector, PoolEnterprise, Recusal


class ItemForm(forms.ModelForm):
    class Meta:
        model = InspectionItem
        fields = ["code", "name", "legal_basis", "body", "method", "item_class", "checklist", "active"]


class PoolForm(forms.ModelForm):
    class Meta:
        model = PoolEnterprise
        fields = ["enterprise_id", "name", "credit_code", "jurisdiction", "supervision_class", "special_reason",
                  "positive_list", "positive_until", "cap_exempt", "excluded"]
        widgets = {"positive_until": forms.DateInput(attrs={"type": "date"}), "enterprise_id": PickerWidget("enterprise")}


class InspectorForm(forms.ModelForm):
    class Meta:
        model = Inspector
        fields = ["name", "badge_no", "user", "department", "jurisdiction", "certified", "active", "specialty"]


class RecusalForm(forms.ModelForm):
    class Meta:
        model = Recusal
        fields = ["inspector", "enterprise", "reason", "declared_on", "until"]
        widgets = {"declared_on": forms.DateInput(attrs={"type": "date"}),
                   "until": forms.DateInput(attrs={"type": "date"})}


class PlanForm(forms.ModelForm):
    class Meta:
        model = DrawPlan
        fields = ["name", "jurisdiction", "year", "period", "ratio_key", "ratio_general", "ratio_special",
                  "positive_factor", "team_size", "yearly_cap", "items", "active"]


class DrawForm(forms.Form):
    period = forms.ChoiceField(label=_("抽查期间"), choices=())
    seed = forms.CharField(label=_("随机种子"), max_length=100, required=False,
                           help_text=_("其SHA-256须等于本期事先公布的承诺值;由平台生成并保管种子的,留空"))
    witnesses = forms.CharField(label=_("见证人"), max_length=200, required=False)
    reason = forms.CharField(label=_("再次抽取理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("本计划同一期间已抽取过时必填"))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = list(periods)


class CommitForm(forms.Form):
    period = forms.ChoiceField(label=_("抽查期间"), choices=())
    commitment = forms.CharField(label=_("种子承诺值(SHA-256)"), max_length=64, required=False,
                                 help_text=_("由工作人员保管种子时,填写种子的SHA-256(64位十六进制);留空则由平台生成种子并保密,"
                                             "只公布其SHA-256"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False, help_text=_("如种子的产生方式、见证人"))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = list(periods)


class PostingForm(forms.ModelForm):
    class Meta:
        from .models import InspectorPosting

        model = InspectorPosting
        fields = ["inspector", "kind", "jurisdiction", "enterprise", "post", "started_on", "ended_on"]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"}),
                   "ended_on": forms.DateInput(attrs={"type": "date"})}


class InspectionForm(forms.Form):
    """A non-draw inspection (complaint, alarm, campaign, special action)."""

    source = forms.ChoiceField(label=_("检查来源"))
    source_ref = forms.CharField(label=_("来源记录"), max_length=100, required=False,
                                 help_text=_("检查来源为信访投诉时填写其受理编号(从信访投诉页发起检查时已填好)"))
    enterprise = forms.ModelChoiceField(label=_("被检查企业"), queryset=PoolEnterprise.objects.none())
    method = forms.ChoiceField(label=_("检查方式"))
    kind = forms.ChoiceField(label=_("检查类型"))
    planned_on = forms.DateField(label=_("计划检查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelMultipleChoiceField(label=_("执法人员(至少2名)"), queryset=Inspector.objects.none())
    items = forms.ModelMultipleChoiceField(label=_("检查事项"), queryset=InspectionItem.objects.none(), required=False)

    def __init__(self, *args, user=None, **kwargs):
        from envbureau.core.scoping import restrict

        from .choices import InspectionKind, InspectionSource, Method

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [c for c in InspectionSource.choices if c[0] != "draw"]
        self.fields["method"].choices = Method.choices
        self.fields["kind"].choices = InspectionKind.choices
        self.fields["enterprise"].queryset = restrict(PoolEnterprise.objects.all(), user, "view")
        self.fields["team"].queryset = restrict(Inspector.objects.filter(certified=True, active=True), user, "view")
        self.fields["items"].queryset = InspectionItem.objects.filter(active=True)


class LegalBasisForm(forms.ModelForm):
    class Meta:
        from .models import LegalBasis

        model = LegalBasis
        fields = ["provision", "instrument", "article", "text", "effective_from", "effective_to", "fine_min",
                  "fine_max", "successor"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}),
                   "effective_to": forms.DateInput(attrs={"type": "date"})}


class CaseForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("当事人(企业)"), queryset=PoolEnterprise.objects.none())
    cause = forms.CharField(label=_("案由"), max_length=200)
    provision = forms.ChoiceField(label=_("违法行为(条款)"))
    act_date = forms.DateField(label=_("违法行为发生日期"), widget=forms.DateInput(attrs={"type": "date"}))
    filed_on = forms.DateField(label=_("立案日期"), widget=forms.DateInput(attrs={"type": "date"}))
    facts = forms.CharField(label=_("简要案情"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    handlers = forms.ModelMultipleChoiceField(label=_("承办人(至少2名)"), queryset=Inspector.objects.none())
    inspection = forms.IntegerField(widget=forms.HiddenInput, required=False)
    clue = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        from envbureau.core.scoping import restrict

        from .models import LegalBasis

        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = restrict(PoolEnterprise.objects.all(), user, "view")
        self.fields["handlers"].queryset = restrict(Inspector.objects.filter(certified=True, active=True), user, "view")
        seen = {}
        for b in LegalBasis.objects.order_by("provision", "-effective_from"):
            seen.setdefault(b.provision, f"{b.provision} · {b}")
        self.fields["provision"].choices = sorted(seen.items())


class ClueForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("所涉企业"), queryset=PoolEnterprise.objects.none())
    source = forms.ChoiceField(label=_("线索来源"))
    source_ref = forms.CharField(label=_("来源记录"), max_length=100, required=False,
                                 help_text=_("如信访受理编号、报警编号或移交文号"))
    received_on = forms.DateField(label=_("发现或收到线索日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("15日内决定是否立案,由此起算"))
    summary = forms.CharField(label=_("线索内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        from envbureau.core.scoping import restrict

        from .choices import ClueSource

        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = restrict(PoolEnterprise.objects.all(), user, "view")
        self.fields["source"].choices = ClueSource.choices


class RatingForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=PoolEnterprise.objects.none())
    year = forms.IntegerField(label=_("评价年度"), min_value=2000, max_value=2100)
    published_on = forms.DateField(label=_("公布日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, **kwargs):
        from envbureau.core.scoping import restrict

        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = restrict(PoolEnterprise.objects.all(), user, "view")


class MeasureForm(forms.Form):
    """责令改正 / 查封扣押 / 限制生产 / 停产整治 on a case."""

    kind = forms.ChoiceField(label=_("措施类型"))
    decided_on = forms.DateField(label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    content = forms.CharField(label=_("决定内容"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("改正要求、查封扣押的场所设施财物清单或限产停产要求"))
    reason = forms.CharField(label=_("违法事实和理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("留空则用案件的违法事实"))
    correct_by = forms.DateField(label=_("改正期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("仅责令改正;留空为立即改正"))
    notified_on = forms.DateField(label=_("权利告知日期"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("仅限制生产、停产整治:告知陈述、申辩和要求听证权利的日期(可与行政处罚事先告知一并告知)"))
    rights_waived = forms.BooleanField(label=_("当事人明确放弃陈述申辩和听证"), required=False)
    hearing_held_on = forms.DateField(label=_("陈述申辩或听证办结日期"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}),
                                      help_text=_("当事人要求听证的,听证办结后方可决定"))
    on_the_spot = forms.BooleanField(label=_("情况紧急,当场实施"), required=False,
                                     help_text=_("仅查封、扣押:实施后24小时内补办负责人批准手续"))
    taken_at = forms.DateTimeField(label=_("当场实施时间"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                   input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import MeasureKind
        from .measures import ORDERS

        self.fields["kind"].choices = [(k, MeasureKind(k).label) for k in ORDERS]


class DailyPenaltyForm(forms.Form):
    orders = forms.ModelMultipleChoiceField(label=_("计罚的责令改正决定"), queryset=None,
                                            widget=forms.CheckboxSelectMultiple)
    decided_on = forms.DateField(label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("拒不改正的事实和证据"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("留空则列出各次复查的结果"))

    def __init__(self, *args, orders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["orders"].queryset = orders
        self.fields["orders"].label_from_instance = lambda o: _("%(c)s:%(s)s 送达,%(r)s 复查(%(x)s)") % {
            "c": o.code, "s": o.served_on, "r": o.rechecked_on, "x": o.get_recheck_result_display()}
