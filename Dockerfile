# Minimal image; the Docker issue hardens it (non-root user, model build argument, hadolint).
FROM python:3.11-slim
WORKDIR /opt/kartlegg
COPY pyproject.toml README.md ./
COPY scanner ./scanner
COPY detectors ./detectors
COPY reports ./reports
RUN pip install --no-cache-dir .
# the report and the inventory (kartlegg-inventory.sqlite) land in the working directory: mount it
WORKDIR /work
ENTRYPOINT ["kartlegg"]
