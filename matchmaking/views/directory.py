"""The public directory of organizations and their profile pages."""

from django.http import Http404


def directory(request):
    raise Http404  # being written in this session


def organization_profile(request, pk: int):
    raise Http404
