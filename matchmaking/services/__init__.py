"""Every write in matchmaking, one module per topic; import from here."""

from matchmaking.services.api_tokens import (
    api_token_create,
    api_token_mark_used,
    api_token_revoke,
)
from matchmaking.services.imports import ImportReport, organization_profile_import
from matchmaking.services.posts import (
    POST_FIELDS,
    post_close,
    post_create,
    post_index_expired,
    post_publish,
    post_update,
)
from matchmaking.services.profiles import (
    PRODUCT_FIELDS,
    PROFILE_KINDS,
    lane_add,
    lane_remove,
    product_create,
    product_delete,
    product_update,
    profile_ensure,
    profile_fields,
    profile_relations,
    profile_update,
    warehouse_add,
    warehouse_remove,
)

__all__ = [
    "POST_FIELDS",
    "PRODUCT_FIELDS",
    "PROFILE_KINDS",
    "ImportReport",
    "api_token_create",
    "api_token_mark_used",
    "api_token_revoke",
    "lane_add",
    "lane_remove",
    "organization_profile_import",
    "post_close",
    "post_create",
    "post_index_expired",
    "post_publish",
    "post_update",
    "product_create",
    "product_delete",
    "product_update",
    "profile_ensure",
    "profile_fields",
    "profile_relations",
    "profile_update",
    "warehouse_add",
    "warehouse_remove",
]
