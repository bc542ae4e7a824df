"""The upload form of bulk import (the export reads the directory's own filter form)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from matchmaking.spreadsheets import MAX_FILE_BYTES, MAX_ROWS, SpreadsheetError, read_rows


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
