"""templates/includes/form.html and form_field.html, which every form of the site renders with."""

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


class ExampleForm(forms.Form):
    name = forms.CharField(label="Company name", help_text="As on the business licence.")
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "Exporter"), ("b", "Platform")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I agree")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Something is wrong with the form as a whole.")


def render_form(form) -> BeautifulSoup:
    return BeautifulSoup(render_to_string("includes/form.html", {"form": form}), "html.parser")


def test_unbound_form_has_labels_help_and_required_marks():
    html = render_form(ExampleForm())
    name = html.select_one("#id_name")
    assert html.select_one('label[for="id_name"]').get_text(strip=True).startswith("Company name")
    assert name["aria-describedby"] == "id_name_helptext"
    help_text = html.select_one("#id_name_helptext").get_text(strip=True)
    assert help_text == "As on the business licence."
    assert (
        html.select_one(".field-radioselect fieldset legend")
        .get_text(strip=True)
        .startswith("Kind")
    )
    checkbox_row = html.select_one(".field-checkbox .checkbox-row")
    assert checkbox_row.select_one('input[type="checkbox"]')
    assert html.select_one('input[type="hidden"][name="token"]')
    assert not html.select(".has-error")


def test_bound_form_shows_errors_next_to_fields():
    html = render_form(ExampleForm(data={"name": ""}))
    assert html.select_one('.alert-error[role="alert"]').get_text().count("as a whole") == 1
    field = html.select_one("#id_name").find_parent(class_="field")
    assert "has-error" in field["class"]
    assert field.select_one("#id_name_error.errorlist")
    assert html.select_one("#id_name")["aria-invalid"] == "true"


@pytest.mark.django_db
def test_pagination_keeps_other_query_parameters():
    request = RequestFactory().get("/me/verification/", {"state": "pending", "page": "2"})
    page = Paginator(range(100), 10).get_page(2)
    html = BeautifulSoup(
        render_to_string("includes/pagination.html", {"page": page}, request=request),
        "html.parser",
    )
    assert html.select_one('a[rel="prev"]')["href"] == "?state=pending&page=1"
    assert html.select_one('a[rel="next"]')["href"] == "?state=pending&page=3"
    assert html.select_one('[aria-current="page"]').get_text(strip=True).endswith("2")
    assert html.select_one(".is-ellipsis")


def test_pagination_is_absent_for_a_single_page():
    page = Paginator(range(5), 10).get_page(1)
    assert render_to_string("includes/pagination.html", {"page": page}).strip() == ""
