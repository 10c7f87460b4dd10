# Kedis container image: build a single executable with Bun, run it on a small Debian image.
#
#   docker build -t kedis .
#   docker run -p 6379:6379 -v kedis-data:/data kedis
#   docker run -p 6379:6379 kedis --bind 0.0.0.0 --protected-mode no --requirepass s3cret
#
# The build stage runs exactly the commands .ci/run runs (bun install --frozen-lockfile, then
# `bun run build` = bun build --compile src/main.ts --outfile dist/kedis), and CI smoke-tests the
# binary they produce: keep the two in step. No Docker engine runs where Kedis is developed and
# tested, so this file itself is not built in CI.

# ---- build ---------------------------------------------------------------------------------
FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY package.json bun.lock bunfig.toml tsconfig.json ./
RUN bun install --frozen-lockfile
COPY src ./src
RUN bun run build

# ---- runtime -------------------------------------------------------------------------------
# The compiled binary needs only glibc (libc, libm, libpthread, libdl).
FROM debian:bookworm-slim
RUN groupadd --system --gid 999 kedis \
 && useradd --system --uid 999 --gid kedis --home-dir /data --no-create-home --shell /usr/sbin/nologin kedis \
 && mkdir -p /data \
 && chown kedis:kedis /data
COPY --from=build /src/dist/kedis /usr/local/bin/kedis
USER kedis
WORKDIR /data
VOLUME /data
EXPOSE 6379

# Inside a container the server must listen on all interfaces to be reachable through a
# published port. Like the official Redis image, protected mode is off: the container network is
# the boundary. Set --requirepass (or publish the port on 127.0.0.1 only) when it is exposed.
ENTRYPOINT ["/usr/local/bin/kedis"]
CMD ["--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data"]

# Until kedis-cli exists, the health check speaks RESP with bash alone: PING must answer +PONG
# (or NOAUTH, which also proves the server is serving). Adjust the port if you change it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\\r\\n' >&3 && IFS= read -r -t 2 line <&3 && [[ $line == +PONG* || $line == -NOAUTH* ]]"]

# The binary is PID 1 (exec form) and shuts down gracefully on SIGTERM, docker stop's signal.
STOPSIGNAL SIGTERM
