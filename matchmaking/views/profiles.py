"""The acting organization's own capability profile: edit it, its products and coverage."""

from django.http import Http404


def _unwritten(request, *args, **kwargs):
    raise Http404  # being written in this session


profile_edit = product_create = product_edit = product_delete = _unwritten
coverage_edit = warehouse_remove = lane_remove = _unwritten
