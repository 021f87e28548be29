# kartlegg as a batch job: each `docker run` is one command, and its reports and inventory
# (kartlegg-inventory.sqlite) land in /work, the working directory, so mount a directory there:
#
#   docker build -t kartlegg .
#   docker run --rm -v "$PWD:/work" kartlegg scan sqlite:///kunder.db
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" kartlegg scan ...   # a bind mount on Linux
#
# Norwegian NER (names, places): add a spaCy model at build time, which needs the internet;
# the engine uses an installed nb_core_news_lg/md/sm, else a blank pipeline:
#
#   docker build --build-arg SPACY_MODEL=nb_core_news_md -t kartlegg .
#   docker build --build-arg SPACY_MODEL=https://.../nb_core_news_md-3.8.0-py3-none-any.whl -t kartlegg .
#
# tests/test_docker.py lints this file and replays the build stage's RUN steps in a clean venv,
# mapping /opt/venv and /src to temp dirs by plain text substitution: keep those paths literal,
# and both FROM lines on the same image (the venv's interpreter links into /usr/local).

FROM python:3.11.17-slim-bookworm AS build

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv

# Only what the install reads reaches /src: .dockerignore lists it.
COPY . /src

# Optional extras, e.g. --build-arg EXTRAS=oracle (python-oracledb, thin mode: nothing else needed).
# EXTRAS=mssql installs pyodbc, which also needs unixODBC and Microsoft's ODBC driver (msodbcsql18,
# from packages.microsoft.com) in the final stage: this image does not carry them.
# Then what kartlegg builds once per installation (the screens' and the name list's Hyperscan
# databases, spaCy's tokenizer rules and blank pipeline, the public-suffix list) is built into
# the venv's share/kartlegg/cache, which it reads where its own cache has nothing: that one is
# in /tmp and empty at every `docker run`, and building them cost each run ~2.5 s.
ARG EXTRAS=""
RUN pip install --no-cache-dir "/src${EXTRAS:+[$EXTRAS]}" \
    && python -m detectors.prepare

# Declared after the install so changing the model keeps the layers above cached. A package name
# goes through `spacy download`, which picks the release made for the installed spaCy; a wheel URL
# is installed as it is (the ignore below: a wheel's file name carries its version, and nothing
# else reaches pip, but hadolint cannot see through the variable). The last check fails the build
# when the engine would not pick the model up, instead of shipping the blank pipeline unnoticed.
ARG SPACY_MODEL=""
# hadolint ignore=DL3013
RUN if [ -n "$SPACY_MODEL" ]; then \
      case "$SPACY_MODEL" in \
        *.whl) pip install --no-cache-dir "$SPACY_MODEL" ;; \
        */*) echo "SPACY_MODEL: a model name (nb_core_news_md) or a .whl URL" >&2; exit 1 ;; \
        *) python -m spacy download "$SPACY_MODEL" --no-cache-dir ;; \
      esac \
      && python -c "import sys; from detectors.nlp import installed_model as m; \
             sys.exit(None if m() else 'SPACY_MODEL: kartlegg uses nb_core_news_lg/md/sm, none is installed')"; \
    fi


FROM python:3.11.17-slim-bookworm

# OCR of scanned documents and images (Tesseract with Norwegian and English data, from Debian):
# on by default, --build-arg OCR=0 leaves it out for a smaller image, where scanned pages are
# listed as `skipped: ocr not available`.
ARG OCR=1
# hadolint ignore=DL3008
RUN if [ "$OCR" = "1" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng \
      && rm -rf /var/lib/apt/lists/*; \
    fi

LABEL org.opencontainers.image.title="kartlegg" \
      org.opencontainers.image.description="Personal-data discovery scanner for infrastructure, tuned for Norwegian data" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/python:3.11.17-slim-bookworm"

# A fixed numeric uid, so `runAsNonRoot` can verify it; /work belongs to it for runs without a
# mount (or with a named volume, which copies the ownership).
RUN groupadd --system --gid 10001 kartlegg \
    && useradd --system --no-log-init --uid 10001 --gid 10001 --home-dir /nonexistent \
       --no-create-home --shell /usr/sbin/nologin kartlegg \
    && install -d -o 10001 -g 10001 /work

COPY --from=build /opt/venv /opt/venv

# The fingerprint key and the blank spaCy pipeline go to XDG dirs, which default to $HOME: under
# --user with a uid the image does not know, HOME is / and not writable, while /tmp always is.
# Both are thrown away with the container; for fingerprints that correlate across scans pass a
# kept key (KARTLEGG_FINGERPRINT_KEY_FILE=/run/secrets/..., see the README).
ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    XDG_CACHE_HOME=/tmp/kartlegg/cache \
    XDG_CONFIG_HOME=/tmp/kartlegg/config

WORKDIR /work
USER 10001:10001

# A batch job: it runs and exits, there is no service to probe.
HEALTHCHECK NONE

ENTRYPOINT ["kartlegg"]
CMD ["--help"]
