# The production shape of the platform (see docker-compose.yml): one image for the web process
# (daphne) and the task worker (manage.py db_worker). Configuration comes from the environment,
# as listed in .env.example.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DJANGO_DEBUG=false

WORKDIR /app

# Runtime dependencies only (requirements-dev.txt is for tests). Every pinned package ships a
# manylinux wheel (psycopg[binary], pillow, twisted...), so no compiler is installed.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations are compiled in pure Python (polib), so the image needs no GNU gettext. Static
# files are collected with DEBUG off, i.e. into WhiteNoise's compressed manifest storage; no
# database or secret is needed for either step.
RUN python manage.py compiletranslations \
    && python manage.py collectstatic --noinput --verbosity 0

# Run as an unprivileged user. The code stays owned by root (read-only to the app); only the
# media directory, where uploads go (a volume in docker-compose.yml), is writable.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER app

EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
