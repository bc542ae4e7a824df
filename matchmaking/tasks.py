"""Background tasks of matchmaking, run by django-tasks (inline on the immediate backend of the
embedded default, by the worker in production)."""

from django_tasks import task

from matchmaking.services.posts import post_index_expired
from matchmaking.services.suggestions import suggestions_compute_for


@task()
def post_index_expired_task() -> int:
    """Enqueue the search documents of posts whose end date passed or whose start date arrived
    (services.posts.post_index_expired); returns how many. Schedule it daily, soon after local
    midnight; `manage.py search_expire_posts` does the same from cron."""
    return post_index_expired()


@task()
def suggestions_recompute_task(organization_ids: list[int]) -> dict[str, int]:
    """Recompute these organizations' suggestions (services.suggestions.suggestions_compute_for);
    enqueued after the commit of a change to their profile or posts."""
    report = suggestions_compute_for(organization_ids=organization_ids)
    return {"organizations": report.organizations, "suggestions": report.suggestions}
