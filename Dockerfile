# syntax=docker/dockerfile:1
# Build a static herald binary, then ship it on a minimal non-root image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# CGO off for a static binary; time zone data is embedded by the binary itself (time/tzdata).
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/herald ./cmd/herald

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/herald /usr/local/bin/herald
# Mirrors of content repositories are cached here; deleting it loses nothing.
VOLUME ["/var/lib/herald"]
ENV HERALD_DATA_DIR=/var/lib/herald
USER nonroot:nonroot
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/herald", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/herald"]
CMD ["serve"]
