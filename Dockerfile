# The one GroupBuy binary; compose.yaml runs it in each role.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --bin groupbuy

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/groupbuy /usr/local/bin/groupbuy
COPY admin-ui/dist /srv/admin-ui
ENV ADMIN_UI_DIR=/srv/admin-ui LOG_FORMAT=json HTTP_ADDR=0.0.0.0:8000
USER nobody
ENTRYPOINT ["groupbuy"]
