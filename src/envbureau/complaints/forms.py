"""Forms: staff intake, the public web form, one small form per handling verb, deadline rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from envbureau.core.models import Jurisdiction
from envbureau.core.pickers import PickerWidget

from .choices import Category, Finding, Satisfaction, SubCategory
from .models import Complaint, DeadlineRule

IDENTITY = ["anonymous", "complainant_name", "complainant_phone", "complainant_id_number", "complainant_address",
            "complainant_email"]


class ComplaintForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["channel", "track", "category", "sub_category", "title", "content", "location", "lon", "lat",
                  "jurisdiction", "enterprise_id", "enterprise_name", "batch", "external_ref", "is_key",
                  "received_at", *IDENTITY]
        widgets = {"content": forms.Textarea(attrs={"rows": 4}),
                   "received_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "enterprise_id": PickerWidget("enterprise")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].required = False
        self.fields["enterprise_id"].widget.user = user
        self.fields["jurisdiction"].help_text = _("填写经纬度且已配置街道边界时自动确定;否则请选择街道/区县")
        if user is not None:
            from envbureau.core.scoping import allowed_jurisdictions

            self.fields["jurisdiction"].queryset = allowed_jurisdictions(user, "complaints", "add")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by complaints.photos."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                              "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        from django.core.exceptions import ValidationError

        from . import photos

        files = [d for d in (data if isinstance(data, (list, tuple)) else [data]) if d]
        try:
            return photos.clean_uploads([super(MultipleImageField, self).clean(d, initial) for d in files])
        except ValidationError as e:  # a field's error is a list, not a dict
            raise ValidationError(e.message_dict.get("photos", e.messages) if hasattr(e, "error_dict")
                                  else e.messages) from None


class PublicComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类型"), choices=Category.choices)
    sub_category = forms.ChoiceField(label=_("子类"), choices=[("", "—")] + list(SubCategory.choices), required=False)
    title = forms.CharField(label=_("事项摘要"), max_length=200)
    content = forms.CharField(label=_("详细情况"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    location = forms.CharField(label=_("问题地址"), max_length=300)
    jurisdiction = forms.ModelChoiceField(label=_("所属街道/区县"), queryset=Jurisdiction.objects.none())
    enterprise_name = forms.CharField(label=_("被举报单位"), max_length=200, required=False)
    lon = forms.FloatField(label=_("经度"), required=False, min_value=73, max_value=136)
    lat = forms.FloatField(label=_("纬度"), required=False, min_value=3, max_value=54)
    anonymous = forms.BooleanField(label=_("匿名举报"), required=False)
    complainant_name = forms.CharField(label=_("您的姓名"), max_length=100, required=False)
    complainant_phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    photos = MultipleImageField(label=_("现场照片"), required=False,
                                help_text=_("可选;JPG/PNG/WebP,照片中的拍摄位置、设备等信息上传后即被去除"))
    use_photo_location = forms.BooleanField(label=_("用照片中的拍摄位置作为问题位置"), required=False,
                                            help_text=_("仅在未填经纬度时使用;照片文件本身仍去除位置信息"))
    # A honeypot instead of a captcha: people never see it; simple bots fill it.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = Jurisdiction.objects.filter(level__in=["district", "street"])

    def clean(self):
        data = super().clean()
        if not data.get("anonymous") and not data.get("complainant_phone"):
            self.add_error("complainant_phone", _("实名举报请留下联系电话,以便答复;也可选择匿名"))
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("不予受理理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    # The web form picks a unit (core.Unit, 系统管理 → 单位); the API also takes its code or name.
    unit = forms.CharField(label=_("承办单位"), max_length=200, widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from envbureau.core.models import Unit

        self.fields["unit"].widget.choices = [("", "---------")] + [
            (u.pk, u.name) for u in Unit.objects.filter(active=True).order_by("kind", "name")]
    note = forms.CharField(label=_("交办意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InvestigateForm(forms.Form):
    finding = forms.ChoiceField(label=_("核实结论"), choices=Finding.choices)
    investigation = forms.CharField(label=_("调查核实情况"), widget=forms.Textarea(attrs={"rows": 3}))


class MeasuresForm(forms.Form):
    measures = forms.CharField(label=_("处理措施"), widget=forms.Textarea(attrs={"rows": 3}))
    ordered_rectification = forms.BooleanField(label=_("责令整改"), required=False)
    case_filed = forms.BooleanField(label=_("立案处罚"), required=False)
    fine_amount = forms.DecimalField(label=_("罚款金额(元)"), required=False, min_value=0)


class ReplyForm(forms.Form):
    reply_text = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.CharField(label=_("答复方式"), required=False, max_length=40)


class VisitForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("回访结果"), choices=Satisfaction.choices)
    fixed = forms.NullBooleanField(label=_("问题是否解决"), required=False)
    method = forms.CharField(label=_("回访方式"), required=False, max_length=40)
    note = forms.CharField(label=_("回访情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延期天数"), min_value=1, max_value=366)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerReviewForm(forms.Form):
    reply_text = forms.CharField(label=_("复查/复核意见"), widget=forms.Textarea(attrs={"rows": 3}))


class SpawnProblemForm(forms.Form):
    deadline = forms.DateField(label=_("整改时限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    units = forms.CharField(label=_("责任单位(逗号分隔)"), required=False)


class DeadlineRuleForm(forms.ModelForm):
    class Meta:
        model = DeadlineRule
        fields = ["name", "jurisdiction", "channel", "track", "accept_days", "accept_kind", "start_days", "start_kind",
                  "finish_days", "finish_kind", "extension_max_days", "review_request_days", "review_answer_days",
                  "roll_forward", "effective_from", "effective_to", "source", "active"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}),
                   "effective_to": forms.DateInput(attrs={"type": "date"})}


