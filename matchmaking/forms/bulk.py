"""Forms of bulk import (the upload) and of the directory export (its GET filters)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import District, OrganizationKind
from matchmaking.selectors import DIRECTORY_SORTS
from matchmaking.selectors.profiles import PROFILE_KINDS
from matchmaking.spreadsheets import MAX_FILE_BYTES, MAX_ROWS, SpreadsheetError, read_rows
from taxonomy.selectors import certification_list, hs_chapter_list, market_choices


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "An .xlsx or .csv file in the template's format, at most %(size)d MB and %(rows)d rows."
        )
        % {"size": MAX_FILE_BYTES // (1024 * 1024), "rows": MAX_ROWS},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        """The file's rows (SheetRow objects); a file-level problem is the field's error."""
        try:
            return read_rows(self.cleaned_data["file"])
        except SpreadsheetError as error:
            raise forms.ValidationError(error.message, code="spreadsheet") from None


class DirectoryExportFilterForm(forms.Form):
    """The directory's GET filters, by the same names; a bad value drops only itself."""

    kind = forms.ChoiceField(required=False)
    hs_chapter = forms.ChoiceField(required=False)
    hs_heading = forms.RegexField(regex=r"^\d{4}$", required=False, max_length=4)
    market = forms.ChoiceField(required=False)
    district = forms.ChoiceField(required=False, choices=District.choices)
    certification = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in DIRECTORY_SORTS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, OrganizationKind(kind).label) for kind in PROFILE_KINDS
        ]
        self.fields["hs_chapter"].choices = [
            (chapter.code, chapter.code) for chapter in hs_chapter_list()
        ]
        self.fields["market"].choices = market_choices()
        self.fields["certification"].choices = [
            (item.code, item.code) for item in certification_list()
        ]

    def filters(self) -> dict:
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
