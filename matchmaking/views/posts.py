"""Supply and demand posts: the public listing, a post's page, and members' own posts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matchmaking import selectors, services
from matchmaking.forms.posts import PostFilterForm, PostForm
from matchmaking.views.decorators import acting_organization_required

PAGE_SIZE = 20


def post_list(request):
    form = PostFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    page = Paginator(selectors.post_list_public(**filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "matchmaking/post_list.html",
        {"form": form, "page": page, "filtered": bool(filters.keys() - {"sort"})},
    )


def post_detail(request, pk: int):
    post = selectors.post_get_visible(pk=pk, user=request.user)
    if post is None:
        raise Http404
    return render(
        request, "matchmaking/post_detail.html", {"post": post, "is_member": post.viewer_is_member}
    )


@acting_organization_required
def my_posts(request, organization):
    posts = selectors.post_list_for_organization(organization=organization)
    return render(
        request, "matchmaking/my_posts.html", {"organization": organization, "posts": posts}
    )


def _save(request, form: PostForm, *, post=None, organization=None):
    """One service call saves (and, for "Save and publish", publishes) the post, or nothing."""
    publish = "publish" in request.POST
    try:
        if post is None:
            return services.post_create(
                organization=organization,
                by=request.user,
                publish=publish,
                **form.service_arguments(),
            )
        return services.post_update(
            post=post, by=request.user, publish=publish, **form.service_arguments()
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None


@acting_organization_required
def post_create(request, organization):
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post = _save(request, form, organization=organization)
        if post is not None:
            messages.success(request, _("The post was saved."))
            return redirect("matchmaking:my_posts")
    return render(
        request, "matchmaking/post_form.html", {"form": form, "organization": organization}
    )


def _own_post_or_404(request, pk: int):
    post = selectors.post_get_visible(pk=pk, user=request.user)
    if post is None or not post.viewer_is_member:
        raise Http404
    return post


@login_required
def post_edit(request, pk: int):
    post = _own_post_or_404(request, pk)
    form = PostForm(request.POST or None, instance=post)
    if request.method == "POST" and form.is_valid() and _save(request, form, post=post):
        messages.success(request, _("The post was saved."))
        return redirect("matchmaking:my_posts")
    return render(
        request,
        "matchmaking/post_form.html",
        {"form": form, "post": post, "organization": post.organization},
    )


@login_required
@require_POST
def post_set_status(request, pk: int, action: str):
    post = _own_post_or_404(request, pk)
    change = {"publish": services.post_publish, "close": services.post_close}.get(action)
    if change is None:
        raise Http404
    try:
        change(post=post, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(
            request,
            _("The post is published.") if action == "publish" else _("The post is closed."),
        )
    return redirect("matchmaking:my_posts")
