"""Issued documents: the bureau's editable settings per kind, its Word templates (every version kept),
the per-year counters behind 文号, and the documents issued from objects (.docx + PDF)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _template_path(instance, filename):
    return f"documents/templates/{instance.doc_type.code}/v{instance.version}.docx"


def _docx_path(instance, filename):
    return f"documents/{instance.doc_type.code}/{instance.year}/{instance.seq:05d}.docx"


def _pdf_path(instance, filename):
    return f"documents/{instance.doc_type.code}/{instance.year}/{instance.seq:05d}.pdf"


class DocumentType(models.Model):
    """What a bureau sets for one kind of document (the kind itself is declared in code)."""

    code = models.CharField(_("文书类型代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    number_prefix = models.CharField(_("文号前缀"), max_length=40, blank=True,
                                     help_text=_("如 京环督交,文号为 京环督交〔2026〕12号"))
    signing_unit = models.CharField(_("签发单位"), max_length=200,
                                    help_text=_("落款单位,如 北京市生态环境局"))

    class Meta:
        verbose_name = _("文书类型")
        verbose_name_plural = _("文书类型")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def current_template(self):
        return self.templates.order_by("-version").first()


class DocumentTemplate(models.Model):
    """One version of a kind's Word template. Never replaced in place: documents keep theirs."""

    doc_type = models.ForeignKey(DocumentType, verbose_name=_("文书类型"), on_delete=models.PROTECT,
                                 related_name="templates")
    version = models.PositiveIntegerField(_("版本"))
    file = models.FileField(_("模板文件"), upload_to=_template_path, max_length=300)
    file_name = models.CharField(_("上传文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("文书模板")
        verbose_name_plural = _("文书模板")
        ordering = ["doc_type", "-version"]
        constraints = [models.UniqueConstraint(fields=["doc_type", "version"], name="core_doctpl_version_uniq")]

    def __str__(self):
        return f"{self.doc_type} v{self.version}"


class DocumentCounter(models.Model):
    """The last 文号 sequence used per kind and year; incremented under a row lock in the issuing transaction."""

    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    audit_exempt = True  # internal; every number it hands out is audited with its document

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc_type", "year"], name="core_doccounter_uniq")]


class IssuedDocument(models.Model):
    """A numbered document issued from one object. Read through the object's scope (services.visible_to)."""

    doc_type = models.ForeignKey(DocumentType, verbose_name=_("文书类型"), on_delete=models.PROTECT,
                                 related_name="documents")
    template = models.ForeignKey(DocumentTemplate, verbose_name=_("模板版本"), on_delete=models.PROTECT,
                                 related_name="documents")
    object_model = models.CharField(_("对象类型"), max_length=100)  # "ledger.problem"
    object_id = models.BigIntegerField(_("对象ID"))
    object_repr = models.CharField(_("对象"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=80)
    signing_unit = models.CharField(_("签发单位"), max_length=200)
    values = models.JSONField(_("填写内容"), default=dict, blank=True)
    docx = models.FileField(_("Word 文件"), upload_to=_docx_path, max_length=300)
    docx_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(_("PDF 文件"), upload_to=_pdf_path, max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_error = models.CharField(_("PDF 转换错误"), max_length=500, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    issued_by_name = models.CharField(_("签发人"), max_length=150, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)

    class Meta:
        verbose_name = _("签发文书")
        verbose_name_plural = _("签发文书")
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["doc_type", "year", "seq"], name="core_issueddoc_seq_uniq")]
        indexes = [models.Index(fields=["object_model", "object_id"], name="core_issueddoc_obj_idx")]

    def __str__(self):
        return f"{self.doc_type.name} {self.number}"

    @property
    def file_stem(self) -> str:
        return f"{self.doc_type.name}-{self.number}"
