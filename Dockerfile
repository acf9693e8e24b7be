# One image for web, worker and beat (target app), and one for the validating resolver
# (target resolver) that carries the application's resolver pre-flight as its healthcheck.
FROM python:3.13.1-slim-bookworm AS app
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

# The validating resolver: Debian's own unbound package (kept by Debian's security team),
# the root trust anchor from Debian's dns-root-data, kept current by RFC 5011. Healthy only
# while `python -m measurement.probe.preflight 127.0.0.1` sees it validate (docker-compose.yml).
FROM app AS resolver
USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends unbound dns-root-data \
    && rm -rf /var/lib/apt/lists/* \
    && install -d -o unbound -g unbound /var/lib/unbound \
    && install -o unbound -g unbound -m 644 /usr/share/dns/root.key /var/lib/unbound/root.key
COPY deploy/unbound/unbound.conf /etc/unbound/unbound.conf
RUN unbound-checkconf /etc/unbound/unbound.conf
EXPOSE 53/udp 53/tcp
CMD ["unbound", "-d", "-c", "/etc/unbound/unbound.conf"]
