"""API tokens of the acting organization."""

from django.http import Http404


def _unwritten(request, *args, **kwargs):
    raise Http404  # being written in this session


token_list = token_revoke = _unwritten
