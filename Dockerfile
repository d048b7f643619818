# syntax=docker/dockerfile:1
# Build a static herald binary, then ship it on a minimal non-root image.
#
# The image has no git command (distroless has no shell and no git): it serves
# GitHub (App or token, over HTTPS) and local mode on an http(s) URL, which
# herald speaks itself. Local mode on a repository given by path (--repo
# /srv/site.git, or a file:// URL) runs git-upload-pack and git-receive-pack,
# so it needs an image with git, such as one built FROM debian:bookworm-slim
# with git installed; herald says so at start when git is missing.
#
# Base images. Both should be pinned by digest (name:tag@sha256:...), so that a
# rebuild takes the exact image that was reviewed. The digests are not filled in
# yet: the machine this was written on could not reach a registry, and a made-up
# digest would only break the build. To pin (or refresh a pin), on a machine
# with registry access run
#   docker buildx imagetools inspect golang:1.27.3-bookworm --format '{{.Manifest.Digest}}'
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot --format '{{.Manifest.Digest}}'
# and append each as @sha256:... to the default below (or pass
# --build-arg GO_IMAGE=golang:1.27.3-bookworm@sha256:... at build time).
# Raise GO_IMAGE with the go line of go.mod and GOTOOLCHAIN below.
ARG GO_IMAGE=golang:1.27.3-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
# The Go release herald is built with (go.mod names it). Set explicitly so that
# an older base image downloads it instead of failing or building with itself.
ENV GOTOOLCHAIN=go1.27.3
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# CGO off for a static binary; time zone data is embedded by the binary itself (time/tzdata).
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/herald ./cmd/herald
# The data directory, to be copied owned by the user herald runs as.
RUN mkdir -p /out/data

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/herald /usr/local/bin/herald
# Mirrors of content repositories are cached here; deleting it loses nothing.
# The directory is in the image, owned by nonroot, so that a named volume
# mounted on it starts with that owner (an empty mount point would be root's,
# and herald could not clone into it). A bind mount keeps the host's owner:
# make it writable by uid 65532.
COPY --from=build --chown=nonroot:nonroot /out/data /var/lib/herald
VOLUME ["/var/lib/herald"]
ENV HERALD_DATA_DIR=/var/lib/herald
USER nonroot:nonroot
# 8080 is the public listener (the webhook, /healthz, /readyz). The admin
# listener (/metrics, /schedule) is on the container's loopback, 127.0.0.1:9090,
# and not exposed: set HERALD_ADMIN_LISTEN=0.0.0.0:9090 for a scraper in
# another container, and keep that port off any Ingress.
EXPOSE 8080
# herald healthcheck probes /healthz; with another --listen port, override it.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/herald", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/herald"]
CMD ["serve"]
