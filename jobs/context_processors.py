from django.conf import settings


def polling(request) -> dict:
    """How often pages showing a job ask for its progress (htmx), in seconds."""
    return {"job_poll_seconds": settings.JOBS_POLL_SECONDS}
