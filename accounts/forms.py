"""Forms of the organisations' side: invitations, explanations and their review."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Explanation, Invitation


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]


class ExplanationForm(forms.ModelForm):
    """Reason, text and the date by which the organisation expects to comply."""

    class Meta:
        model = Explanation
        fields = ["reason", "text", "comply_by"]
        widgets = {
            "comply_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "reason": {"required": _("Kies een reden.")},
            "comply_by": {"required": _("Vul de datum in waarop u verwacht te voldoen.")},
        }

    def clean_comply_by(self):
        comply_by = self.cleaned_data["comply_by"]
        if comply_by <= timezone.localdate():
            raise forms.ValidationError(_("Deze datum ligt niet in de toekomst."))
        return comply_by


class ReviewForm(forms.Form):
    ACCEPT = "accept"
    SEND_BACK = "send_back"
    decision = forms.ChoiceField(
        label=_("Besluit"),
        choices=[(ACCEPT, _("accepteren")), (SEND_BACK, _("terugsturen"))],
        widget=forms.RadioSelect,
    )
    remark = forms.CharField(
        label=_("Opmerking"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.SEND_BACK and not data.get("remark", "").strip():
            self.add_error("remark", _("Zeg bij het terugsturen wat er anders moet."))
        return data
