"""Every read in matchmaking, one module per topic; import from here."""

from matchmaking.selectors.api_tokens import (
    api_token_authenticate,
    api_token_digest,
    api_token_list,
    api_token_manage_refusal,
)
from matchmaking.selectors.posts import (
    POST_SORTS,
    post_get_visible,
    post_list_for_organization,
    post_list_indexable,
    post_list_listed_for_organization,
    post_list_public,
    post_listed,
)
from matchmaking.selectors.profiles import (
    DIRECTORY_SORTS,
    profile_completeness_get,
    profile_directory_list,
    profile_edit_refusal,
    profile_get_for_organization,
    profile_get_visible,
    profile_list_indexable,
    profile_part_get,
    profile_present_items,
    viewer_is_platform_member,
)

__all__ = [
    "DIRECTORY_SORTS",
    "POST_SORTS",
    "api_token_authenticate",
    "api_token_digest",
    "api_token_list",
    "api_token_manage_refusal",
    "post_get_visible",
    "post_list_for_organization",
    "post_list_indexable",
    "post_list_listed_for_organization",
    "post_list_public",
    "post_listed",
    "profile_completeness_get",
    "profile_directory_list",
    "profile_edit_refusal",
    "profile_get_for_organization",
    "profile_get_visible",
    "profile_list_indexable",
    "profile_part_get",
    "profile_present_items",
    "viewer_is_platform_member",
]
