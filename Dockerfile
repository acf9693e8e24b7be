# One image for web, worker and beat.
FROM python:3.13.1-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/mailbeveiliging
WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps . \
    && DEBUG=false SECRET_KEY=build python manage.py collectstatic --noinput \
    && useradd --system --home /app mailbeveiliging \
    && mkdir -p "$VAR_DIR" && chown mailbeveiliging "$VAR_DIR"
USER mailbeveiliging
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
